#!/usr/bin/env bash
# A throwaway Citus 12.1 cluster for tests and benchmarks (issue 25): a coordinator and two
# workers, three PostgreSQL 15 servers on loopback, each with Citus and pgvector.
#
#   tests/Postgres/citus-cluster.sh start DIR PORT   installs what is missing (Debian packages),
#                                                    builds Citus and pgvector from ../shared/vendor
#                                                    once per machine (make install puts them in
#                                                    PostgreSQL's tree, which is the cache), initdb's
#                                                    DIR/node0..2 as the postgres user, starts them on
#                                                    127.0.0.1:PORT (coordinator), PORT+1 and PORT+2
#                                                    (workers), creates database simil with citus and
#                                                    vector on each, registers the workers; prints the
#                                                    coordinator's URI on stdout and timings on stderr
#   tests/Postgres/citus-cluster.sh stop DIR         stops every node and removes DIR, whatever state it is in
#   tests/Postgres/citus-cluster.sh stop-node DIR N  stops node N (1 or 2: a worker) at once, for fault tests
#   tests/Postgres/citus-cluster.sh start-node DIR N starts it again
set -euo pipefail
usage="usage: citus-cluster.sh start DIR PORT | stop DIR | stop-node DIR N | start-node DIR N"
action=${1:?$usage}
dir=${2:?$usage}
bin=/usr/lib/postgresql/15/bin
root=$(cd "$(dirname "$0")/../.." && pwd)
as_postgres() { su postgres -s /bin/sh -c "$1"; }

if [ "$action" = stop ]; then
  for node in "$dir"/node*; do
    [ -d "$node" ] && as_postgres "$bin/pg_ctl -D '$node' -m immediate stop" >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
  exit 0
fi
if [ "$action" = stop-node ]; then
  as_postgres "$bin/pg_ctl -D '$dir/node${3:?$usage}' -m immediate stop" >/dev/null
  exit 0
fi
if [ "$action" = start-node ]; then
  n=${3:?$usage}
  as_postgres "$bin/pg_ctl -D '$dir/node$n' -l '$dir/node$n.log' -w start" >/dev/null
  exit 0
fi

port=${3:?$usage}
started=$(date +%s)
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_config" ] || ! command -v make >/dev/null \
   || [ ! -f "$("$bin/pg_config" --includedir-server 2>/dev/null)/postgres.h" ] \
   || ! dpkg -s libzstd-dev liblz4-dev libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-server-dev-15 build-essential libzstd-dev liblz4-dev libkrb5-dev >/dev/null
fi
mkdir -p "$dir"
libdir=$("$bin/pg_config" --pkglibdir)
# ../shared is read-only: build copies. A copy's timestamps can make configure.ac look newer than
# configure, and make would then rerun autoconf: touch configure first.
if [ ! -f "$libdir/vector.so" ]; then
  rm -rf "$dir/pgvector" && cp -r "$root/../shared/vendor/pgvector" "$dir/pgvector"
  make -s -C "$dir/pgvector" PG_CONFIG="$bin/pg_config" >/dev/null
  make -s -C "$dir/pgvector" PG_CONFIG="$bin/pg_config" install >/dev/null
  rm -rf "$dir/pgvector"
fi
if [ ! -f "$libdir/citus.so" ]; then
  rm -rf "$dir/citus" && cp -r "$root/../shared/vendor/citus" "$dir/citus"
  touch "$dir/citus/configure"
  # The vendored copy holds git's symlink to the bundled safestringlib as a plain file naming its
  # target; without the link Citus builds but cannot load (undefined symbol strcpy_s).
  link="$dir/citus/src/backend/distributed/safeclib"
  if [ -f "$link" ] && [ ! -L "$link" ]; then
    target=$(cat "$link"); rm -f "$link"; ln -s "${target%/}" "$link"
  fi
  chmod -R u+w "$dir/citus"
  (cd "$dir/citus" && ./configure PG_CONFIG="$bin/pg_config" --without-libcurl >/dev/null && make -s -j"$(nproc)" >/dev/null 2>&1 && make -s install >/dev/null)
  rm -rf "$dir/citus"
fi
built=$(date +%s)
chown postgres "$dir"
for n in 0 1 2; do
  node="$dir/node$n"
  as_postgres "$bin/initdb -D '$node' -A trust -U postgres >/dev/null"
  # The postgres superuser connects without a password (the nodes reach each other as postgres);
  # every other role must give one (scram-sha-256), so that "authentication refused" is a real refusal.
  cat > "$node/pg_hba.conf" <<'HBA'
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
  cat >> "$node/postgresql.conf" <<CONF
shared_preload_libraries = 'citus'
port = $((port + n))
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
CONF
  as_postgres "$bin/pg_ctl -D '$node' -l '$dir/node$n.log' -w start >/dev/null"
  as_postgres "$bin/psql -h 127.0.0.1 -p $((port + n)) -U postgres -qc 'CREATE DATABASE simil' \
    && $bin/psql -h 127.0.0.1 -p $((port + n)) -U postgres -d simil -qc 'CREATE EXTENSION citus' -c 'CREATE EXTENSION vector'"
done
as_postgres "$bin/psql -h 127.0.0.1 -p $port -U postgres -d simil -qAt \
  -c \"SELECT citus_set_coordinator_host('127.0.0.1', $port)\" \
  -c \"SELECT citus_add_node('127.0.0.1', $((port + 1)))\" \
  -c \"SELECT citus_add_node('127.0.0.1', $((port + 2)))\"" >/dev/null
ready=$(date +%s)
echo "citus-cluster: build $((built - started)) s (0 when cached), start $((ready - built)) s; workers 127.0.0.1:$((port + 1)) and :$((port + 2))" >&2
echo "postgres://postgres@127.0.0.1:$port/simil"
