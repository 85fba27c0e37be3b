#!/usr/bin/env bash
# Idempotent set-up: Python environment, the embedded FerretDB, GraphiQL's files, and (for tests) Chromium.
# Each step is skipped when already done, so running it again takes a second.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
purpose="${1:-serve}"

# A Python 3.11+: each candidate is run (errors silenced), so a version manager's shim that is on PATH but
# has no such interpreter behind it is skipped quietly instead of printing "command not found".
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for p in python3.13 python3.12 python3.11 python3; do
    if found="$("$p" -c 'import sys; sys.exit(1) if sys.version_info < (3, 11) else print(sys.executable)' 2>/dev/null)" \
       && [ -n "$found" ]; then python="$found"; break; fi
  done
fi
[ -n "$python" ] || { echo "Python 3.11 or newer is needed (or set PYTHON=/path/to/python3.11+)." >&2; exit 1; }

# uv installs exactly the versions in uv.lock. It is itself pinned, from PyPI, in a small venv of its own.
UV_VERSION=0.13.9
uv=".tools/uv/bin/uv"
if ! { [ -x "$uv" ] && "$uv" --version 2>/dev/null | grep -qx "uv $UV_VERSION.*"; }; then
  echo "Installing uv $UV_VERSION into .tools/uv/ ..." >&2
  rm -rf .tools/uv && "$python" -m venv .tools/uv
  .tools/uv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >&2
fi
export UV_PYTHON_DOWNLOADS=never   # use the Python found above, never download one
[ "$purpose" = uv ] && exit 0      # scripts/lock.sh needs only uv

# Python environment: synced again only when uv.lock (or pyproject.toml) changed. --locked refuses a lock that
# no longer matches pyproject.toml: run `scripts/lock.sh` after changing dependencies.
stamp=".venv/.installed-$(cat uv.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Setting up the Python environment in .venv/ from uv.lock ..." >&2
  "$uv" sync --locked --extra dev --python "$python" --quiet >&2 || {
    echo "uv.lock does not match pyproject.toml (or a package could not be fetched). After changing" \
         "dependencies, run scripts/lock.sh and commit uv.lock." >&2; exit 1; }
  rm -f .venv/.installed-*; touch "$stamp"
fi

# The embedded database, unless the user brings a MongoDB server.
if [ -z "${MONGODB_URI:-}" ] || [ "$purpose" = test ]; then
  bash scripts/install-ferretdb.sh
fi

bash scripts/fetch-graphiql.sh
bash scripts/fetch-elkjs.sh

# The static data map (.svg) is laid out by Graphviz's dot (Debian's graphviz package).
if ! command -v dot >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Graphviz for the static data map (Debian package)..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz) >/dev/null 2>&1 \
      || echo "Could not install graphviz; /organizations/{slug}/data-map.svg will answer 503." >&2
  else
    echo "graphviz is not installed; the static data map (.svg) needs it (sudo apt-get install graphviz)." >&2
  fi
fi

# Node tools the tests run, at their locked versions: the GraphQL-over-HTTP audit suite (graphql-http) and
# graphql-schema-linter.
if [ "$purpose" = test ]; then
  node_stamp="tests/node/node_modules/.installed-$(sha256sum tests/node/package-lock.json | cut -c1-16)"
  if [ ! -f "$node_stamp" ]; then
    if command -v npm >/dev/null; then
      (cd tests/node && npm ci --silent --no-audit --no-fund >&2) && touch "$node_stamp"
    else
      echo "npm is not installed; the GraphQL-over-HTTP audit test will be skipped." >&2
    fi
  fi
fi

# Headless Chromium drives the GraphiQL page in the browser test (Debian's package).
if [ "$purpose" = test ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Chromium for the browser test (Debian package)..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "Could not install chromium; the browser test will be skipped." >&2
  else
    echo "chromium is not installed; the browser test will be skipped (sudo apt-get install chromium)." >&2
  fi
fi

# The sign-in tests start a real OpenID provider (oidc-provider from npm, pinned by tests/oidc/package-lock.json).
if [ "$purpose" = test ] && [ ! -d tests/oidc/node_modules/oidc-provider ]; then
  if command -v npm >/dev/null; then
    echo "Installing the test OpenID provider (npm ci in tests/oidc)..." >&2
    (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error) >&2 \
      || echo "Could not install oidc-provider; the single sign-on tests will be skipped." >&2
  else
    echo "npm is not installed; the single sign-on tests will be skipped (install Node.js 20 or newer)." >&2
  fi
fi
