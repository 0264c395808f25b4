namespace Simil.Quantization;

/// <summary>
/// What a precision keeps of each vector, as float32 rows to measure on: float16 and bfloat16 the
/// nearest stored value (exact when widened back); int8 and uint8 the integer codes themselves, as
/// sentence-transformers scores quantized embeddings; binary and ubinary the sign vector, ±1 per
/// dimension, on which cosine is 1 − 2·hamming/d, the dot product d − 2·hamming and l2sq
/// 4·hamming — each ranks pairs exactly as the Hamming distance does.
/// </summary>
public static class StoredValues
{
    /// <summary>
    /// The rows at <paramref name="precision"/>, keys kept; int8 and uint8 use
    /// <paramref name="ranges"/>, else the rows' own ranges.
    /// </summary>
    public static EmbeddingMatrix Of(EmbeddingMatrix rows, Precision precision, QuantizationRanges? ranges = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var source = rows.IsFloat64 ? rows.ToFloat32() : rows;
        if (precision == Precision.Float32 || source.Count == 0)
            return source;
        int n = source.Count, d = source.Dimensions;
        var values = new float[(long)n * d];
        switch (precision)
        {
            case Precision.Float16:
                var halves = Quantizer.ToFloat16(source);
                for (long i = 0; i < values.Length; i++)
                    values[i] = (float)halves[i];
                break;
            case Precision.BFloat16:
                var b16 = Quantizer.ToBFloat16(source);
                for (long i = 0; i < values.Length; i++)
                    values[i] = (float)b16[i];
                break;
            case Precision.Int8:
                var signed = Quantizer.ToInt8(source, ranges ?? QuantizationRanges.Of(source));
                for (long i = 0; i < values.Length; i++)
                    values[i] = signed[i];
                break;
            case Precision.UInt8:
                var unsigned = Quantizer.ToUInt8(source, ranges ?? QuantizationRanges.Of(source));
                for (long i = 0; i < values.Length; i++)
                    values[i] = unsigned[i];
                break;
            default:
                // binary and ubinary hold the same bits (binary = ubinary − 128 per byte).
                var bits = Quantizer.ToUBinary(source);
                int perRow = Quantizer.BytesPerBinaryRow(d);
                for (int r = 0; r < n; r++)
                    for (int t = 0; t < d; t++)
                        values[(long)r * d + t] = (bits[(long)r * perRow + t / 8] & (0x80 >> (t % 8))) != 0 ? 1f : -1f;
                break;
        }
        return EmbeddingMatrix.Create(values, d, rows.Keys);
    }

    /// <summary>Bytes one vector of <paramref name="dimensions"/> takes at <paramref name="precision"/>.</summary>
    public static int BytesPerVector(Precision precision, int dimensions) => precision switch
    {
        Precision.Float32 => 4 * dimensions,
        Precision.Float16 or Precision.BFloat16 => 2 * dimensions,
        Precision.Int8 or Precision.UInt8 => dimensions,
        _ => Quantizer.BytesPerBinaryRow(dimensions),
    };
}
