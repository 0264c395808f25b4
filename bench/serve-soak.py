"""Mixed search/upsert traffic against simil serve (bench/serve-soak.sh runs it).

Each thread loops until the time is up: nine searches (alternately Simil's API and Qdrant's), then
one upsert of a new id (alternately Simil's API and Qdrant's dialect, with Qdrant's integer ids).
Every answer is checked (status, and a search must return k hits); acknowledged ids are written to a
file. Then every acknowledged id is read back through the server. Prints a Markdown report.
"""
import json, sys, threading, time, urllib.request, random

import numpy as np

url, name, centres_file, seconds, threads, pid, acked_file = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
centres = np.load(centres_file)


def call(method, path, body):
    req = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.load(r)


def rss():
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS")).split()[1])


lock = threading.Lock()
counts = {"search": 0, "upsert": 0, "errors": 0}
errors = []
acked = []
latencies = {"search": [], "upsert": []}
deadline = time.time() + seconds


def worker(t):
    rng = random.Random(t)
    n = 0
    while time.time() < deadline:
        n += 1
        vector = (centres[rng.randrange(len(centres))] + np.array([rng.uniform(-0.35, 0.35) for _ in range(centres.shape[1])], dtype=np.float32)).tolist()
        kind = "upsert" if n % 10 == 0 else "search"
        start = time.perf_counter()
        try:
            if kind == "search" and n % 2:
                status, body = call("POST", f"/api/collections/{name}/search", {"vector": vector, "k": 10})
                ok = status == 200 and len(body["results"]) == 10
            elif kind == "search":
                status, body = call("POST", f"/collections/{name}/points/search", {"vector": vector, "limit": 10})
                ok = status == 200 and len(body["result"]) == 10
            elif (n // 10) % 2:
                id = f"soak-{t}-{n}"
                status, body = call("POST", f"/api/collections/{name}/upsert", {"rows": [{"id": id, "vector": vector, "metadata": {"thread": t, "n": n}}]})
                ok = status == 200 and body["upserted"] == 1
            else:
                id = str(10_000_000 + t * 1_000_000 + n)
                status, body = call("PUT", f"/collections/{name}/points?wait=true", {"points": [{"id": int(id), "vector": vector, "payload": {"thread": t, "n": n}}]})
                ok = status == 200 and body["result"]["status"] == "completed"
        except Exception as e:  # noqa: BLE001 - every failure is counted and reported
            ok = False
            body = repr(e)
        elapsed = time.perf_counter() - start
        with lock:
            counts[kind] += 1
            latencies[kind].append(elapsed)
            if ok:
                if kind == "upsert":
                    acked.append(id)
            else:
                counts["errors"] += 1
                if len(errors) < 5:
                    errors.append(f"{kind}: {str(body)[:200]}")


samples = [(0, rss())]
pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
for p in pool:
    p.start()
begin = time.time()
while any(p.is_alive() for p in pool):
    time.sleep(1)
    if time.time() - begin >= len(samples) * 30:
        samples.append((int(time.time() - begin), rss()))
for p in pool:
    p.join()
samples.append((int(time.time() - begin), rss()))

def present(i):
    try:
        if not i.isdigit():
            return call("GET", f"/api/collections/{name}/rows/{i}", None)[0] == 200
        return len(call("POST", f"/collections/{name}/points", {"ids": [int(i)]})[1]["result"]) == 1
    except Exception:  # noqa: BLE001 - a failed read counts as missing
        return False


missing = [i for i in acked if not present(i)]
with open(acked_file, "w") as f:
    f.write("\n".join(acked) + "\n")

def pct(xs, q):
    return 1000 * float(np.percentile(xs, q)) if xs else float("nan")

print(f"| requests | searches | upserts | errors | search p50 / p99 ms | upsert p50 / p99 ms | acknowledged upserts | missing after |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {counts['search'] + counts['upsert']:,} | {counts['search']:,} | {counts['upsert']:,} | {counts['errors']} | {pct(latencies['search'], 50):.1f} / {pct(latencies['search'], 99):.1f} | {pct(latencies['upsert'], 50):.1f} / {pct(latencies['upsert'], 99):.1f} | {len(acked):,} | {len(missing)} |")
print()
first, last = samples[1][1] if len(samples) > 2 else samples[0][1], samples[-1][1]
print(f"Server RSS (KiB) every 30 s: {', '.join(f'{s} s {r:,}' for s, r in samples)}. From the first sample under load ({first:,} KiB) to the end ({last:,} KiB): {100 * (last - first) / first:+.1f} %; from the idle start ({samples[0][1]:,} KiB): {100 * (last - samples[0][1]) / samples[0][1]:+.1f} %.")
loaded = [(t, r) for t, r in samples[1:]]
if len(loaded) >= 3:
    ts, rs = np.array(loaded, dtype=float).T
    slope, intercept = np.polyfit(ts, rs, 1)
    half = (ts[0] + ts[-1]) / 2
    print()
    print(f"Trend under load (the garbage collector's sawtooth averaged out): a least-squares line through the samples from {int(ts[0])} s goes from {slope * ts[0] + intercept:,.0f} to {slope * ts[-1] + intercept:,.0f} KiB ({100 * slope * (ts[-1] - ts[0]) / (slope * ts[0] + intercept):+.1f} %); mean of the first half {rs[ts <= half].mean():,.0f} KiB, of the second {rs[ts > half].mean():,.0f} KiB; highest {rs[ts <= half].max():,.0f} then {rs[ts > half].max():,.0f} KiB.")
if errors:
    print()
    print("First errors: " + "; ".join(errors))
