// The one GraphQL client: the server's own `/graphql`, no other origin.
import { Client, cacheExchange, fetchExchange } from "@urql/preact";

export const client = new Client({
  url: "/graphql",
  exchanges: [cacheExchange, fetchExchange],
  preferGetMethod: false,
});

/** A warning the server adds under `extensions.warnings`: search syntax it could not honour. */
export interface Warning {
  code: string;
  message: string;
}

export function warningsOf(extensions: Record<string, unknown> | undefined): Warning[] {
  const warnings = extensions?.["warnings"];
  if (!Array.isArray(warnings)) return [];
  return warnings.map((w) => ({
    code: typeof w?.code === "string" ? w.code : "",
    message: typeof w?.message === "string" ? w.message : String(w),
  }));
}
