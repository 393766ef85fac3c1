#!/usr/bin/env bash
# Create .venv and install the guide with its test tools; repeat runs are quick.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
# Compiled message catalogues are build output, not source.
out=$(.venv/bin/pybabel compile -d translations 2>&1) || { echo "$out"; exit 1; }
# A secret made once and kept in instance/ (only readable by its owner), so that
# the app, `flask guide ...` and a bare gunicorn all sign sessions with it; the
# app refuses to start with none or a known default (FLASK_SECRET_KEY overrides).
mkdir -p instance
if [ ! -s instance/secret_key ]; then
  (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key)
fi
# Create or migrate the database (instance/guide.sqlite3, or DATABASE_URL).
.venv/bin/flask db upgrade
