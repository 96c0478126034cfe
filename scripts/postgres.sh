#!/usr/bin/env bash
# Prints a DATABASE_URL for a PostgreSQL the tests can use: $DATABASE_URL if set, the server on
# 127.0.0.1:5432 if it lets us in, else a throwaway cluster started here with initdb/pg_ctl.
set -euo pipefail
if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; exit 0; fi
if [ "${PARTYWORK_PG_THROWAWAY:-0}" != "1" ] && command -v psql >/dev/null 2>&1 && psql "postgres://postgres@127.0.0.1:5432/postgres" -tAc "select 1" >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:5432/postgres"; exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "postgres.sh: no PostgreSQL server reachable and none installed" >&2; exit 1
  fi
fi
port=${PARTYWORK_PG_PORT:-55432}
dir=${PARTYWORK_PG_DIR:-/tmp/partywork-pg-$port}
runas=()
if [ "$(id -u)" = "0" ]; then runas=(runuser -u postgres --); fi
if ! "${runas[@]}" "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = "0" ] && chown postgres "$dir"
  "${runas[@]}" "$bindir/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${runas[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
