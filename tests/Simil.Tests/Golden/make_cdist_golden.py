#!/usr/bin/env python3
"""Writes the SciPy golden files that MatrixGoldenTests compares Similarity.Matrix with.

Run from this folder with Debian's python3-numpy and python3-scipy:
    /usr/bin/python3 make_cdist_golden.py
Inputs are float64 text matrices with near-identical rows (relative differences of 1e-4 to
1e-9), written with repr() so every value reads back exactly; each output is what
scipy.spatial.distance.cdist (or NumPy's a @ b.T for the dot product) gives for them.
"""
import numpy as np
from scipy.spatial.distance import cdist

rng = np.random.default_rng(20261127)
a = rng.normal(size=(12, 48)) * 10.0 ** rng.uniform(-3, 3, size=(12, 1))
b = rng.normal(size=(9, 48))
# Near-identical rows: b's first rows are a's rows, nudged.
for i, scale in enumerate([1e-4, 1e-6, 1e-8, 1e-9]):
    b[i] = a[i] * (1 + scale * rng.normal(size=48))


def save(name, m):
    with open(name, "w") as f:
        f.write(f"# {m.shape[0]} x {m.shape[1]} float64, repr() of every value\n")
        for row in m:
            f.write(" ".join(repr(float(x)) for x in row) + "\n")


save("a.txt", a)
save("b.txt", b)
for metric in ["sqeuclidean", "euclidean", "cosine", "cityblock"]:
    save(f"cdist-{metric}.txt", cdist(a, b, metric))
save("dot.txt", a @ b.T)
