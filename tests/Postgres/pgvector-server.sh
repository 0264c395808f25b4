#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgvector 0.8.6 server for tests and benchmarks (issue 15).
#
#   tests/Postgres/pgvector-server.sh start DIR PORT   installs what is missing (Debian packages),
#                                                      builds pgvector from ../shared/vendor/pgvector
#                                                      in DIR, initdb's DIR/data as the postgres user
#                                                      (PostgreSQL refuses to run as root), starts it
#                                                      on 127.0.0.1:PORT, creates database simil with
#                                                      the vector extension; prints the connection URI
#   tests/Postgres/pgvector-server.sh stop DIR         stops it and removes DIR, whatever state it is in
set -euo pipefail
action=${1:?usage: pgvector-server.sh start DIR PORT | stop DIR}
dir=${2:?usage: pgvector-server.sh start DIR PORT | stop DIR}
bin=/usr/lib/postgresql/15/bin
root=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$action" = stop ]; then
  if [ -d "$dir/data" ]; then
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

port=${3:?usage: pgvector-server.sh start DIR PORT}
# A machine may come with the server but not its headers (postgresql-15 without
# postgresql-server-dev-15): check for postgres.h itself, not only for the programs.
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_config" ] || ! command -v make >/dev/null \
   || [ ! -f "$("$bin/pg_config" --includedir-server 2>/dev/null)/postgres.h" ]; then
  apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-server-dev-15 build-essential >/dev/null
fi
mkdir -p "$dir"
# ../shared is read-only: build a copy. make install puts vector.so and the SQL into PostgreSQL's tree.
if [ ! -f "$(${bin}/pg_config --pkglibdir)/vector.so" ]; then
  rm -rf "$dir/pgvector" && cp -r "$root/../shared/vendor/pgvector" "$dir/pgvector"
  make -s -C "$dir/pgvector" PG_CONFIG="$bin/pg_config" >/dev/null
  make -s -C "$dir/pgvector" PG_CONFIG="$bin/pg_config" install >/dev/null
fi
chown postgres "$dir"
su postgres -s /bin/sh -c "$bin/initdb -D '$dir/data' -A trust -U postgres >/dev/null"
# The postgres superuser connects without a password (tests set the server up); every other
# role must give one (scram-sha-256), so that "authentication refused" is a real refusal.
cat > "$dir/data/pg_hba.conf" <<'HBA'
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l '$dir/server.log' -w start >/dev/null"
su postgres -s /bin/sh -c "$bin/psql -h 127.0.0.1 -p $port -U postgres -qc 'CREATE DATABASE simil' && $bin/psql -h 127.0.0.1 -p $port -U postgres -d simil -qc 'CREATE EXTENSION vector'"
echo "postgres://postgres@127.0.0.1:$port/simil"
