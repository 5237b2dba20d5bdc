#!/usr/bin/env node
// GraphQL-over-HTTP conformance audit (graphql-http's server audit suite).
//
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
//
// Prints one line per audit:   <ok|error|warn|notice> <id> <name>[ -- <reason> [<response>]]
// then:                        audit: N ok, N warnings, N errors, N notices
// Exit status: 0 if no error and no warning, 1 otherwise, 2 on usage/fatal error
// (e.g. the server is not reachable).
import { auditServer } from 'graphql-http';

// Quietly stop when piped into `head` & co.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 1);
  throw err;
});

const url = process.argv[2];
if (!url || !/^https?:\/\//.test(url)) {
  console.error('usage: node audit.mjs http://HOST:PORT/graphql');
  process.exit(2);
}

/** Short description of the offending response, best effort. */
async function describe(res) {
  if (!res || typeof res.status !== 'number') return '';
  const ct = res.headers?.get?.('content-type') ?? '-';
  let body = '';
  try {
    if (!res.bodyUsed) body = await res.text();
  } catch {
    // body unavailable (already consumed / aborted)
  }
  body = body.replace(/\s+/g, ' ').trim();
  if (body.length > 160) body = body.slice(0, 157) + '...';
  return ` [HTTP ${res.status}; content-type: ${ct}${body ? `; body: ${body}` : ''}]`;
}

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  // auditServer only throws on fatal problems (network failure, bad URL...)
  const cause = err?.cause ? ` (${err.cause.code ?? err.cause.message ?? err.cause})` : '';
  console.error(`audit: fatal: ${err?.message ?? err}${cause}`);
  process.exit(2);
}

const counts = { ok: 0, warn: 0, error: 0, notice: 0 };
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  let line = `${r.status} ${r.id} ${r.name}`;
  if (r.status !== 'ok') {
    line += ` -- ${r.reason}${await describe(r.response)}`;
  }
  console.log(line);
}

console.log(
  `audit: ${counts.ok} ok, ${counts.warn} warnings, ${counts.error} errors, ${counts.notice} notices`,
);
process.exit(counts.error > 0 || counts.warn > 0 ? 1 : 0);
