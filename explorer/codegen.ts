import type { CodegenConfig } from "@graphql-codegen/cli";

// Operation types from the repository's schema: a schema change that breaks a query of
// the app fails `npm run build`.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.ts", "src/**/*.tsx", "!src/gql/**/*"],
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Date: "string" },
      },
    },
  },
  ignoreNoDocuments: false,
};
export default config;
