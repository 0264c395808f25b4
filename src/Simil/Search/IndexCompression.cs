using Simil.Quantization;

namespace Simil;

/// <summary>
/// How an index stores its rows for search: <see cref="Precision"/> (float16, bfloat16, int8 or
/// binary; float32 means uncompressed), whether float32 rows are kept beside the codes to rescore
/// candidates exactly (<c>--rescore</c>), and for int8 the per-dimension ranges (by default the
/// rows' own).
/// </summary>
/// <param name="Precision">The codes' precision.</param>
/// <param name="KeepFloat32">Keep float32 rows (in the file too) and rescore candidates with them.</param>
/// <param name="Ranges">int8: the calibration ranges; null for the rows' own.</param>
public sealed record IndexCompression(Precision Precision, bool KeepFloat32 = false, QuantizationRanges? Ranges = null);
