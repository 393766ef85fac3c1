#!/usr/bin/env bash
# Set up and run every check: lint, types, unit tests and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v gpsbabel >/dev/null 2>&1 || need+=(gpsbabel)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from Debian (needs root) ..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/pytest --run-browser "$@"
