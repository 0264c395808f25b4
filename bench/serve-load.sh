#!/usr/bin/env bash
# Issue 23's load measure: simil serve under wrk (Debian's), loopback only, bounded (30 s per run),
# against the library's in-process search on the same collection in the same run
# (bench/Simil.Benchmarks search-qps). Clustered synthetic rows (numpy, seed 5), 200 queries from
# the same centres; k 10, default ef. Writes bench/results/serve-load-<cpu>.md.
#   bench/serve-load.sh [HNSW_ROWS] [FLAT_ROWS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
hnsw_rows=${1:-1000000}; flat_rows=${2:-100000}; seconds=${3:-30}
work=$(mktemp -d); trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=
dotnet build -c Release src/Simil.Cli >/dev/null
dotnet build -c Release bench/Simil.Benchmarks >/dev/null
simil="dotnet src/Simil.Cli/bin/Release/net10.0/simil.dll"
bench="dotnet bench/Simil.Benchmarks/bin/Release/net10.0/Simil.Benchmarks.dll"
/usr/bin/python3 - "$work" "$hnsw_rows" "$flat_rows" <<'PY'
import json, sys
import numpy as np
work, hnsw_rows, flat_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(5)
centres = rng.uniform(-1, 1, (1000, 384)).astype(np.float32)
def rows(n):
    return (centres[rng.integers(0, 1000, n)] + rng.uniform(-0.35, 0.35, (n, 384))).astype(np.float32)
np.save(f"{work}/hnsw.npy", rows(hnsw_rows)); np.save(f"{work}/flat.npy", rows(flat_rows))
q = rows(200); np.save(f"{work}/queries.npy", q)
with open(f"{work}/bodies.jsonl", "w") as f:
    for v in q:
        f.write(json.dumps({"vector": [float(x) for x in v], "k": 10}) + "\n")
PY
start=$(date +%s)
$simil index build "$work/hnsw.npy" --out "$work/hnsw" --kind hnsw >/dev/null
build_hnsw=$(( $(date +%s) - start ))
$simil index build "$work/flat.npy" --out "$work/flat" >/dev/null
port=6391
$simil serve "$work/hnsw" "$work/flat" --port $port > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$(pgrep -f "simil.dll serve $work" | head -1)/status"; }
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1), family $(lscpu | sed -n 's/^CPU family: *//p' | head -1) model $(lscpu | sed -n 's/^Model: *//p' | head -1)"
out=$($bench results-path serve-load)
{
  echo "# simil serve under load: wrk on loopback against the library in process"
  echo
  echo "CPU: $cpu ($(nproc) cores); $(date -u +%F); \`bench/serve-load.sh $hnsw_rows $flat_rows $seconds\`. Collections: $hnsw_rows × 384 HNSW (built by \`simil index build --kind hnsw\` in ${build_hnsw} s) and $flat_rows × 384 flat, clustered synthetic rows; 200 query vectors sent as JSON (\`{\"vector\":[…],\"k\":10}\`), round robin; wrk ${seconds} s per run, 2 threads. In process: \`search-qps\`, the same queries through \`Collection.Search\` with as many threads as connections, ${seconds} s. Server RSS at start: $(rss) KiB."
  echo
  echo "| collection | connections | server QPS | p50 ms | p99 ms | errors | in-process QPS | in-process p50 / p99 ms | server ÷ in-process |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$work/report.md"
for name in hnsw flat; do
  for c in 1 16 64; do
    threads=$(( c < 2 ? 1 : 2 ))
    wrk -t$threads -c$c -d${seconds}s --latency -s bench/serve-search.lua "http://127.0.0.1:$port/api/collections/$name/search" -- "$work/bodies.jsonl" > "$work/wrk.txt"
    qps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
    errors=$(awk '/Non-2xx/ {print $NF} /Socket errors/ {print $0}' "$work/wrk.txt" | tr '\n' ' '); errors=${errors:-0}
    read -r iqps ip50 ip99 < <($bench search-qps "$work/$name" "$work/queries.npy" $c $seconds)
    ratio=$(/usr/bin/python3 -c "print(f'{$qps/$iqps:.2f}')")
    echo "| $name | $c | $qps | $p50 | $p99 | $errors | $iqps | $ip50 / $ip99 | $ratio |" >> "$work/report.md"
  done
done
echo >> "$work/report.md"
echo "Server RSS at the end: $(rss) KiB. wrk's latencies include the loopback round trip and the JSON of the query (384 numbers as text)." >> "$work/report.md"
cat "$work/report.md"
cp "$work/report.md" "$out"
