#!/usr/bin/env bash
# Starts a local PostgreSQL for the *.pg.test.ts suites: installs it from Debian if missing, starts the newest
# cluster (listening on loopback only, Debian's default), creates the role and database `sling_test`, and prints
# the connection URL on standard output (everything else goes to standard error). Needs root.
#   export SLING_TEST_DATABASE_URL="$(scripts/ci-postgres.sh)"
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1 " " $2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$port" >&2

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -p "$port" -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'sling_test'")" != "1" ]; then
  psql_admin -c "CREATE ROLE sling_test LOGIN PASSWORD 'sling_test'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'sling_test'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE sling_test OWNER sling_test" >&2
fi

echo "postgres://sling_test:sling_test@127.0.0.1:${port}/sling_test"
