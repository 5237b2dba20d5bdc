// The one GraphQL client: the server's own `/graphql`, no other origin.
import { Client, cacheExchange, fetchExchange } from "@urql/preact";

export const client = new Client({
  url: "/graphql",
  exchanges: [cacheExchange, fetchExchange],
  preferGetMethod: false,
});

/** The warnings the server adds under `extensions.warnings` (search syntax it could not honour). */
export function warningsOf(extensions: Record<string, unknown> | undefined): string[] {
  const warnings = extensions?.["warnings"];
  if (!Array.isArray(warnings)) return [];
  return warnings.map((w) =>
    typeof w === "string" ? w : typeof w === "object" && w && "message" in w ? String(w.message) : JSON.stringify(w),
  );
}
