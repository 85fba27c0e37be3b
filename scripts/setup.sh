#!/usr/bin/env bash
# Idempotent set-up: Python environment, the embedded FerretDB, GraphiQL's files, and (for tests) Chromium.
# Each step is skipped when already done, so running it again takes a second.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
purpose="${1:-serve}"

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for p in python3.13 python3.12 python3.11 python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then python="$p"; break; fi
  done
fi
[ -n "$python" ] || { echo "Python 3.11 or newer is needed." >&2; exit 1; }

# Python environment: reinstalled only when pyproject.toml changed.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Setting up the Python environment in .venv/ ..." >&2
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >&2
  .venv/bin/python -m pip install -q -e ".[dev]" >&2
  rm -f .venv/.installed-*; touch "$stamp"
fi

# The embedded database, unless the user brings a MongoDB server.
if [ -z "${MONGODB_URI:-}" ] || [ "$purpose" = test ]; then
  bash scripts/install-ferretdb.sh
fi

bash scripts/fetch-graphiql.sh

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
