#!/usr/bin/env bash
# Installs FerretDB v1.24.2 (SQLite backend built in) into ./bin, once.
#
# Why not a bare `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: the module zip served by the Go
# proxy lacks build/version/version.txt (upstream generates it with its own task runner), and a binary built
# that way panics at start with "Invalid build/version/version.txt file content". So we download exactly that
# tagged module through the Go proxy, write the version file its build expects, and build its own
# cmd/ferretdb. Same source, same pinned dependencies (its go.sum), no other network access.
set -euo pipefail
VERSION=v1.24.2
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/bin/ferretdb"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "${VERSION#v}"; then
  exit 0
fi
command -v go >/dev/null || { echo "Go is needed to build the embedded FerretDB (or set MONGODB_URI)." >&2; exit 1; }
echo "Building FerretDB $VERSION into bin/ (the first build takes a few minutes)..." >&2
moddir="$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$moddir/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
mkdir -p "$root/bin"
(cd "$work" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/ferretdb)
"$bin" --version >&2
