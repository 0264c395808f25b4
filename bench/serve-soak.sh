#!/usr/bin/env bash
# Issue 23's soak: simil serve under mixed search and upsert traffic for SECONDS (default 600) on
# loopback, bounded: THREADS client threads (default 8) in bench/serve-soak.py, each sending 9 searches
# (k 10, Simil's API and Qdrant's) to 1 upsert of a new id (Simil's API and Qdrant's in turn) to an
# HNSW collection of ROWS clustered rows (default 100,000 × 384). Reports errors, server RSS every
# 30 s, and after the traffic whether every acknowledged upsert is present — read back through the
# server and, after it has stopped, by `simil index get` on the folder. Writes bench/results/serve-soak-<cpu>.md.
#   bench/serve-soak.sh [ROWS] [SECONDS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}; seconds=${2:-600}; threads=${3:-8}
work=$(mktemp -d); server=; trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build -c Release src/Simil.Cli >/dev/null
dotnet build -c Release bench/Simil.Benchmarks >/dev/null
simil="dotnet src/Simil.Cli/bin/Release/net10.0/simil.dll"
/usr/bin/python3 - "$work" "$rows" <<'PY'
import sys
import numpy as np
work, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(5)
centres = rng.uniform(-1, 1, (1000, 384)).astype(np.float32)
np.save(f"{work}/rows.npy", (centres[rng.integers(0, 1000, rows)] + rng.uniform(-0.35, 0.35, (rows, 384))).astype(np.float32))
np.save(f"{work}/centres.npy", centres)
PY
mkdir "$work/data"
start=$(date +%s)
$simil index build "$work/rows.npy" --out "$work/data/soak" --kind hnsw >/dev/null
build=$(( $(date +%s) - start ))
port=6392
$simil serve "$work/data" --port $port > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
pid=$(pgrep -f "simil.dll serve $work/data" | head -1)
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1), family $(lscpu | sed -n 's/^CPU family: *//p' | head -1) model $(lscpu | sed -n 's/^Model: *//p' | head -1)"
out=$(dotnet bench/Simil.Benchmarks/bin/Release/net10.0/Simil.Benchmarks.dll results-path serve-soak)
/usr/bin/python3 bench/serve-soak.py "http://127.0.0.1:$port" soak "$work/centres.npy" "$seconds" "$threads" "$pid" "$work/acked.txt" > "$work/soak.md"
kill -TERM $server; wait $server || true; server=
# After the server has stopped: the CLI reads every acknowledged id from the folder itself.
missing=0; checked=0
while read -r id; do
  checked=$((checked + 1))
  [ $((checked % 97)) -eq 0 ] || continue      # every 97th id through a process each (the server checked all)
  $simil index get "$work/data/soak" "$id" --json >/dev/null 2>&1 || missing=$((missing + 1))
done < "$work/acked.txt"
{
  echo "# simil serve soak: mixed search and upsert traffic"
  echo
  echo "CPU: $cpu ($(nproc) cores); $(date -u +%F); \`bench/serve-soak.sh $rows $seconds $threads\`. Collection: $rows × 384 HNSW (built in ${build} s), clustered synthetic rows; the client (Python, $threads threads) shares the cores with the server."
  echo
  cat "$work/soak.md"
  echo
  echo "After the server stopped (SIGTERM): \`simil index get\` on the folder found every sampled acknowledged id but $missing (one id in 97 of $checked, each a separate process)."
} > "$out"
cat "$out"
