#!/usr/bin/env bash
# Fetches elkjs (the Eclipse Layout Kernel compiled to JavaScript, EPL-2.0) from the npm registry, once, into the
# folder the registry serves browser files from: the data map lays out its graph with ELK's layered algorithm in
# the browser, under a policy that lets pages run only the registry's own scripts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.assets/graphiql"
version=0.11.0
[ -s "$dest/elk.bundled.js" ] && grep -q "elkjs $version" "$dest/elk.VERSION" 2>/dev/null && exit 0
command -v npm >/dev/null || { echo "npm is needed once to fetch elkjs for the data map (Node.js)." >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "elkjs@$version" >/dev/null && tar -xzf "elkjs-$version.tgz")
mkdir -p "$dest"
cp "$work/package/lib/elk.bundled.js" "$dest/"
echo "elkjs $version" > "$dest/elk.VERSION"
echo "elkjs $version in $dest" >&2
