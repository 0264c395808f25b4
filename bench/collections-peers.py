"""hnswlib's side of `collections` (bench/Simil.Benchmarks/CollectionThroughput.cs): on the same rows,
build (M 16, ef-construction 128, both cores), add 1 row at a time and batches of 1,000 (in memory,
no durability), and recall@10 at ef 64 after mark_deleted of the same 10/30/50 % as Simil (each set
marked, measured, unmarked). Reads raw little-endian files the benchmark wrote; prints one JSON line."""
import json, sys, time
import numpy as np
import hnswlib

folder, rows, dims, queries, k, ef = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
corpus = np.fromfile(f"{folder}/corpus.f32", dtype="<f4").reshape(rows, dims)
qs = np.fromfile(f"{folder}/queries.f32", dtype="<f4").reshape(queries, dims)
singles = np.fromfile(f"{folder}/singles.f32", dtype="<f4").reshape(-1, dims)
batches = np.fromfile(f"{folder}/batches.f32", dtype="<f4").reshape(-1, 1000, dims)
out = {}
index = hnswlib.Index(space="cosine", dim=dims)
index.init_index(max_elements=rows + len(singles) + batches.shape[0] * 1000, M=16, ef_construction=128, random_seed=42)
index.set_num_threads(2)
t = time.perf_counter()
index.add_items(corpus, np.arange(rows))
out["build_s"] = time.perf_counter() - t
index.set_ef(ef)
out["deletes"] = []
for fraction in (10, 30, 50):
    deleted = np.fromfile(f"{folder}/deleted-{fraction}.i32", dtype="<i4")
    truth = np.fromfile(f"{folder}/truth-{fraction}.i32", dtype="<i4").reshape(queries, k)
    for d in deleted:
        index.mark_deleted(int(d))
    hits, short = 0, 0
    index.set_num_threads(1)
    for q in range(queries):
        try:
            labels, _ = index.knn_query(qs[q:q + 1], k=k)
            found = set(int(x) for x in labels[0])
        except RuntimeError:
            found, short = set(), short + 1
        hits += len(found & set(int(x) for x in truth[q] if x >= 0))
    for d in deleted:
        index.unmark_deleted(int(d))
    out["deletes"].append({"fraction": fraction, "recall": hits / (queries * k), "short": short})
index.set_num_threads(1)
one = []
for i, v in enumerate(singles):
    t = time.perf_counter()
    index.add_items(v[None, :], np.array([rows + i]))
    one.append(time.perf_counter() - t)
index.set_num_threads(2)
batch = []
for b in range(batches.shape[0]):
    t = time.perf_counter()
    index.add_items(batches[b], np.arange(rows + len(singles) + b * 1000, rows + len(singles) + (b + 1) * 1000))
    batch.append(time.perf_counter() - t)
one.sort(); batch.sort()
out["one_p50_ms"] = one[len(one) // 2] * 1000
out["one_p99_ms"] = one[int(len(one) * 0.99)] * 1000
out["batch_p50_ms"] = batch[len(batch) // 2] * 1000
out["batch_max_ms"] = batch[-1] * 1000
print(json.dumps(out))
