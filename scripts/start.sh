#!/usr/bin/env bash
# Set up and start the guide on its embedded defaults: the shipped tour, SQLite in instance/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_SECRET_KEY=${FLASK_SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')}
exec .venv/bin/flask run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
