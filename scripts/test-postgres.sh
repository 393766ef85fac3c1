#!/usr/bin/env bash
# Start Debian's PostgreSQL and print a URL for the registration tests (role with CREATEDB).
# Used by scripts/test.sh in CI; run it yourself to test against PostgreSQL locally:
#   export TEST_DATABASE_URL=$(bash scripts/test-postgres.sh)
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "Installing postgresql from Debian (needs root) ..." >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
cluster=$(pg_lsclusters -h | head -n 1)
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  $SUDO pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters -h | head -n 1)
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  $SUDO pg_ctlcluster "$version" "$name" start >&2
fi
AS_POSTGRES="runuser -u postgres --"; [ "$(id -u)" -eq 0 ] || AS_POSTGRES="sudo -u postgres"
psql_admin() { $AS_POSTGRES psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'walk_test'")" ]; then
  psql_admin -c "CREATE ROLE walk_test LOGIN CREATEDB PASSWORD 'walk_test'" >&2
fi
# DROP DATABASE ... WITH (FORCE) in the tests' teardown must also stop an autovacuum
# worker, which runs under no role; only pg_signal_backend may signal it.
psql_admin -c "GRANT pg_signal_backend TO walk_test" >&2
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'walk_test'")" ]; then
  psql_admin -c "CREATE DATABASE walk_test OWNER walk_test" >&2
fi
echo "postgresql://walk_test:walk_test@127.0.0.1:${port}/walk_test"
