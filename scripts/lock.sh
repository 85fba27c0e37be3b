#!/usr/bin/env bash
# Updates uv.lock: every dependency to the newest version pyproject.toml allows (`scripts/lock.sh`), or only
# re-resolves after an edit to pyproject.toml, keeping the other versions (`scripts/lock.sh --keep`).
# Then run ./dev test and commit uv.lock with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh uv   # installs the pinned uv into .tools/uv
export UV_PYTHON_DOWNLOADS=never
if [ "${1:-}" = --keep ]; then exec .tools/uv/bin/uv lock; fi
exec .tools/uv/bin/uv lock --upgrade
