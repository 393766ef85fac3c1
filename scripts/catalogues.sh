#!/usr/bin/env bash
# Refresh the interface catalogues after interface text changed in code or templates:
# extract every message into instance/messages.pot, then update the catalogue of each
# language a tour declares in tour_data/<tour>/tour.json (English is the source language),
# starting translations/<lang>/LC_MESSAGES/messages.po for a language that has none yet.
# Then translate the new or fuzzy entries; ./scripts/setup.sh compiles them.
set -euo pipefail
cd "$(dirname "$0")/.."
pot=instance/messages.pot
mkdir -p instance
.venv/bin/pybabel -q extract -F babel.cfg -k _l -o "$pot" \
  --ignore-dirs=".venv tests bench node_modules instance" .
langs=$(.venv/bin/python -c 'import json, pathlib; print(*sorted({l for p in pathlib.Path("tour_data").glob("*/tour.json") for l in json.loads(p.read_text())["languages"]}))')
for lang in $langs; do
  [ "$lang" = en ] && continue
  if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel -q update -i "$pot" -d translations -l "$lang"
  else
    .venv/bin/pybabel -q init -i "$pot" -d translations -l "$lang"
    echo "started translations/$lang/LC_MESSAGES/messages.po: translate every entry"
  fi
done
