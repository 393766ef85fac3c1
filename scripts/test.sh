#!/usr/bin/env bash
# Set up and run every check: lint, types, unit tests and the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v gpsbabel >/dev/null 2>&1 || need+=(gpsbabel)
# Recorded narration is checked with ffprobe and transcoded with ffmpeg.
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# CI also runs the registration tests against PostgreSQL (Debian's).
if [ "${CI:-}" = "true" ]; then
  command -v pg_lsclusters >/dev/null 2>&1 || need+=(postgresql)
fi
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
if [ "${CI:-}" = "true" ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL=$(bash scripts/test-postgres.sh)
  export TEST_DATABASE_URL
fi
if [ $# -gt 0 ]; then
  exec .venv/bin/pytest --run-browser "$@"
fi
# Everything but the browser in one process a core (each test has its own
# files and PostgreSQL database), then the browser tests, whose timing-sensitive
# walks keep the machine to themselves. Both run; either failing fails the run.
status=0
.venv/bin/pytest -n auto --ignore=tests/browser || status=$?
.venv/bin/pytest --run-browser tests/browser || status=$?
exit "$status"
