#!/usr/bin/env python3
"""Writes the golden files that QuantizationGoldenTests compares Simil's quantizer with.

Run from this folder with Debian's python3-numpy:  /usr/bin/python3 make_quantization_golden.py
The formulas are sentence-transformers' quantize_embeddings (sentence_transformers/quantization.py)
as the issue quotes them, in float32 as NumPy computes them: ranges are the per-dimension min and
max of the calibration rows; starts = min, steps = (max - min) / 255; uint8 = ((x - starts) /
steps).astype(uint8), int8 = ((x - starts) / steps - 128).astype(int8); ubinary = packbits(x > 0)
per row, binary = ubinary - 128 as int8. The rows include values outside the calibration range
(NumPy's float-to-integer cast on x86 truncates to an integer and keeps its low 8 bits; NaN and
magnitudes of 2^31 and more give 0) and a dimension whose calibration range is 0.
"""
import warnings
import numpy as np

warnings.simplefilter("ignore")   # NumPy warns about the out-of-range casts this file tests
rng = np.random.default_rng(20261128)
dims = 20                          # not a multiple of 8: binary rows are padded
calibration = rng.normal(size=(30, dims)).astype(np.float32)
calibration[:, 7] = np.float32(0.25)              # a dimension whose range is 0
rows = rng.normal(size=(50, dims)).astype(np.float32) * np.float32(1.5)   # some beyond the range
rows[0, :] = 0
rows[1, :] = calibration.min(axis=0)
rows[2, :] = calibration.max(axis=0)
rows[3, 0] = np.float32(1e9)

ranges = np.vstack((calibration.min(axis=0), calibration.max(axis=0)))
starts = ranges[0, :]
steps = (ranges[1, :] - ranges[0, :]) / 255
uint8 = ((rows - starts) / steps).astype(np.uint8)
int8 = ((rows - starts) / steps - 128).astype(np.int8)
ubinary = np.packbits(rows > 0, axis=-1)
binary = (ubinary - 128).astype(np.int8)

np.save("calibration.npy", calibration)
np.save("rows.npy", rows)
np.save("uint8.npy", uint8)
np.save("int8.npy", int8)
np.save("ubinary.npy", ubinary)
np.save("binary.npy", binary)
