#!/usr/bin/env bash
# Fetches GraphiQL's JavaScript and CSS from the npm registry into .assets/graphiql/, once, so the registry
# serves them itself: GraphiQL then works in a browser with no internet access. The versions are the ones
# strawberry's own GraphiQL page pins; the page checks each file against its SRI hash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.assets/graphiql"
files=(react.production.min.js react-dom.production.min.js js.cookie.min.js graphiql.min.js graphiql.min.css
       explorer.umd.js explorer.css)
complete=1
for f in "${files[@]}"; do [ -s "$dest/$f" ] || complete=0; done
[ "$complete" = 1 ] && exit 0
command -v npm >/dev/null || { echo "npm is needed once to fetch GraphiQL's files (Node.js)." >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent graphiql@3.8.3 react@18.2.0 react-dom@18.2.0 @graphiql/plugin-explorer@1.0.2 \
   js-cookie@3.0.5 >/dev/null)
mkdir -p "$dest"
x() { mkdir -p "$work/$1"; tar -xzf "$work/$2" -C "$work/$1"; }
x react react-18.2.0.tgz; x react-dom react-dom-18.2.0.tgz; x cookie js-cookie-3.0.5.tgz
x graphiql graphiql-3.8.3.tgz; x explorer graphiql-plugin-explorer-1.0.2.tgz
cp "$work/react/package/umd/react.production.min.js" "$dest/"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$dest/"
cp "$work/cookie/package/dist/js.cookie.min.js" "$dest/"
cp "$work/graphiql/package/graphiql.min.js" "$work/graphiql/package/graphiql.min.css" "$dest/"
cp "$work/explorer/package/dist/index.umd.js" "$dest/explorer.umd.js"
cp "$work/explorer/package/dist/style.css" "$dest/explorer.css"
echo "GraphiQL assets in $dest" >&2
