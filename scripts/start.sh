#!/usr/bin/env bash
# Set up and start the guide on its embedded defaults: the shipped tour, SQLite in instance/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# A secret made once and kept in instance/, so guides stay signed in across restarts.
if [ -z "${FLASK_SECRET_KEY:-}" ]; then
  mkdir -p instance
  [ -s instance/secret_key ] || (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key)
  FLASK_SECRET_KEY=$(cat instance/secret_key)
  export FLASK_SECRET_KEY
fi
# Links in GPX files, calendars, QR codes and e-mails: set it to the address
# guests open (https://...) when the guide is public.
export FLASK_PUBLIC_URL="${FLASK_PUBLIC_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
echo "The guide is starting on http://${HOST:-127.0.0.1}:${PORT:-5000}/"
# gunicorn.conf.py: two processes of threaded workers (slow clients cannot hold
# them), timeouts, no access log (query strings can carry a visitor's position),
# client addresses masked in the error log. `flask run` works for development.
exec .venv/bin/gunicorn --config gunicorn.conf.py "app:create_app()"
