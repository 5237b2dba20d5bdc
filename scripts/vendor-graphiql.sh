#!/usr/bin/env bash
# Vendor the GraphiQL browser assets (served offline by the server under /graphiql/).
#
# Downloads pinned npm tarballs with `npm pack`, checks their registry integrity,
# extracts exactly the files the page needs into assets/graphiql/ and records
# package@version + sha256 of every vendored file in assets/graphiql/VERSIONS.
#
# graphiql 4.1.2 is the last graphiql release that ships a self-contained UMD
# bundle (graphiql.min.js, with graphql-js and CodeMirror inside; fonts inlined
# in the CSS). It only expects window.React / window.ReactDOM, taken from the
# react@18 UMD builds (React 19 no longer publishes UMD builds).
#
# assets/graphiql/index.html is hand-written and is left untouched.
set -euo pipefail

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.3.1

# package@version|registry integrity (npm view <pkg>@<ver> dist.integrity)
PACKAGES=(
  "graphiql@${GRAPHIQL_VERSION}|sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg=="
  "react@${REACT_VERSION}|sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=="
  "react-dom@${REACT_VERSION}|sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=="
)

# package|path inside the tarball|destination (relative to assets/graphiql)
FILES=(
  "react|umd/react.production.min.js|react.production.min.js"
  "react-dom|umd/react-dom.production.min.js|react-dom.production.min.js"
  "graphiql|graphiql.min.js|graphiql.min.js"
  "graphiql|graphiql.min.css|graphiql.min.css"
  "graphiql|LICENSE|licenses/graphiql-LICENSE"
  "react|LICENSE|licenses/react-LICENSE"
  "react-dom|LICENSE|licenses/react-dom-LICENSE"
)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${ROOT}/assets/graphiql"

for tool in npm node tar sha256sum install; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

declare -A VERSION_OF
for entry in "${PACKAGES[@]}"; do
  spec="${entry%%|*}"
  integrity="${entry#*|}"
  name="${spec%@*}"
  version="${spec##*@}"
  VERSION_OF[$name]="$version"

  echo "fetching ${spec}" >&2
  tarball="$(cd "$TMP" && npm pack "$spec" --silent | tail -n 1)"
  [[ -f "$TMP/$tarball" ]] || { echo "error: npm pack ${spec} produced no tarball" >&2; exit 1; }

  # npm's integrity format: sha512-<base64 digest of the tarball>
  actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$TMP/$tarball")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "error: integrity mismatch for ${spec}" >&2
    echo "  expected ${integrity}" >&2
    echo "  got      ${actual}" >&2
    exit 1
  fi

  mkdir -p "$TMP/$name"
  tar -xzf "$TMP/$tarball" -C "$TMP/$name"
done

# Replace previously vendored files only (index.html stays).
mkdir -p "$DEST/licenses"
for entry in "${FILES[@]}"; do
  IFS='|' read -r name src dst <<<"$entry"
  rm -f "$DEST/$dst"
done

for entry in "${FILES[@]}"; do
  IFS='|' read -r name src dst <<<"$entry"
  from="$TMP/$name/package/$src"
  [[ -f "$from" ]] || { echo "error: ${name} does not ship ${src}" >&2; exit 1; }
  install -m 0644 "$from" "$DEST/$dst"
done

{
  echo "# Vendored by scripts/vendor-graphiql.sh -- do not edit by hand."
  echo "# <file> <package@version> <path in package> sha256:<hex>"
  for entry in "${FILES[@]}"; do
    IFS='|' read -r name src dst <<<"$entry"
    sum="$(sha256sum "$DEST/$dst" | cut -d' ' -f1)"
    echo "${dst} ${name}@${VERSION_OF[$name]} ${src} sha256:${sum}"
  done
} >"$DEST/VERSIONS"

echo "vendored into ${DEST}:" >&2
du -ch "$DEST"/*.js "$DEST"/*.css "$DEST"/licenses/* | tail -n 1 >&2
