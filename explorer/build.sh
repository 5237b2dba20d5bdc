#!/usr/bin/env bash
# Rebuilds the Explorer into ../assets/explorer/ (committed: the binary compiles it in
# through the table files.rs written here, so `cargo run` needs no Node) and records
# SOURCE_HASH beside it, which tests/explorer.rs
# recomputes to fail when the committed build does not come from the committed sources.
#
# SOURCE_HASH = sha256 of the lines `<sha256 of file>  <path>` (sha256sum's format), one per
# source file, paths relative to the repository root, sorted bytewise: everything under
# explorer/src/, and explorer/{index.html,package.json,package-lock.json,tsconfig.json,
# vite.config.ts,codegen.ts,build.sh}, and schema.graphql.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build
cd ..
source_hash() {
  { find explorer/src -type f; printf '%s\n' explorer/index.html explorer/package.json \
      explorer/package-lock.json explorer/tsconfig.json explorer/vite.config.ts \
      explorer/codegen.ts explorer/build.sh schema.graphql; } |
    LC_ALL=C sort | while IFS= read -r f; do sha256sum "$f"; done | sha256sum | cut -d' ' -f1
}
source_hash > assets/explorer/SOURCE_HASH
# The table src/http/explorer.rs compiles in: every built file by its path.
{
  echo "//! Written by explorer/build.sh: the Explorer's built files, by path below"
  echo "//! assets/explorer/, for src/http/explorer.rs."
  echo
  echo "pub static FILES: &[(&str, &[u8])] = &["
  ( cd assets/explorer && find . -type f ! -name files.rs ! -name SOURCE_HASH | sed 's|^\./||' |
      LC_ALL=C sort | while IFS= read -r f; do
        printf '    ("%s", include_bytes!("%s")),\n' "$f" "$f"; done )
  echo "];"
} > assets/explorer/files.rs
if command -v rustfmt >/dev/null; then rustfmt --edition 2024 assets/explorer/files.rs; fi
echo "assets/explorer built; SOURCE_HASH $(cat assets/explorer/SOURCE_HASH)"
( cd assets/explorer && for f in assets/*.js assets/*.css; do
    printf '  %-32s %7d bytes, %6d gzip\n' "$f" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"; done )
