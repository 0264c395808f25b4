using System.Runtime.InteropServices;
namespace Simil.Quantization;

/// <summary>
/// Per-dimension ranges for int8/uint8 quantization: the minimum and maximum of each dimension
/// over calibration rows (or over the rows themselves), in float32.
/// </summary>
/// <param name="Min">The smallest value of each dimension.</param>
/// <param name="Max">The largest value of each dimension.</param>
public sealed record QuantizationRanges(float[] Min, float[] Max)
{
    /// <summary>The ranges of <paramref name="calibration"/>'s rows.</summary>
    /// <exception cref="ArgumentException">The matrix has no rows.</exception>
    public static QuantizationRanges Of(EmbeddingMatrix calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.Count == 0)
            Throw.Argument(nameof(calibration), "calibration needs at least one row");
        var min = calibration[0].ToArray();
        var max = calibration[0].ToArray();
        const int block = 4096;
        for (int first = 0; first < calibration.Count; first += block)
        {
            int end = Math.Min(calibration.Count, first + block);
            for (int r = Math.Max(first, 1); r < end; r++)
            {
                var row = calibration[r];
                for (int d = 0; d < row.Length; d++)
                {
                    min[d] = MathF.Min(min[d], row[d]);
                    max[d] = MathF.Max(max[d], row[d]);
                }
            }
            // One pass: rows mapped from a file larger than memory need not stay resident.
            calibration.Rows.Release(first, end - first);
        }
        return new QuantizationRanges(min, max);
    }
}

/// <summary>
/// sentence-transformers' <c>quantize_embeddings</c>, byte for byte (checked against NumPy in the
/// golden tests): all arithmetic in float32 as NumPy does it; <c>starts = min</c>,
/// <c>steps = (max − min) / 255</c>; uint8 = <c>(x − starts) / steps</c> and int8 =
/// <c>(x − starts) / steps − 128</c>, each cast as NumPy casts on x86: truncated toward zero to an
/// integer whose low 8 bits are kept — so a value outside the calibration range wraps around (for
/// int8, 200.7 becomes −56) — and NaN, ±∞ or a magnitude of 2³¹ or more becomes 0 (which is what a
/// dimension whose range is 0 gives, since its step is 0). ubinary packs <c>x &gt; 0</c> per row,
/// first dimension in the most significant bit, rows padded to whole bytes; binary = ubinary − 128.
/// </summary>
public static class Quantizer
{
    /// <summary>int8 codes of <paramref name="rows"/> (row-major, one byte per dimension).</summary>
    public static sbyte[] ToInt8(EmbeddingMatrix rows, QuantizationRanges ranges)
    {
        var codes = new sbyte[Checked(rows, ranges)];
        Quantize(rows, ranges, -128f, codes.AsSpan(), static (v) => (sbyte)LowByte(v));
        return codes;
    }

    /// <summary>
    /// int8 codes as <see cref="ToInt8"/> but saturating: a value outside the ranges gets the nearest
    /// end (−128 or 127) instead of wrapping around, and NaN gets 0. An index quantizes rows added
    /// later with its first ranges, where wrapping would put a row far from where it belongs.
    /// </summary>
    public static sbyte[] ToInt8Saturating(EmbeddingMatrix rows, QuantizationRanges ranges)
    {
        var codes = new sbyte[Checked(rows, ranges)];
        Quantize(rows, ranges, -128f, codes.AsSpan(), Saturate);
        return codes;
    }

    /// <summary>The saturating int8 cast: truncate, clamp to −128…127; NaN gives 0.</summary>
    static sbyte Saturate(float v) => float.IsNaN(v) ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Truncate(v), -128f, 127f);

    /// <summary>uint8 codes of <paramref name="rows"/> (row-major, one byte per dimension).</summary>
    public static byte[] ToUInt8(EmbeddingMatrix rows, QuantizationRanges ranges)
    {
        var codes = new byte[Checked(rows, ranges)];
        Quantize(rows, ranges, 0f, codes.AsSpan(), LowByte);
        return codes;
    }

    /// <summary>Sign bits of <paramref name="rows"/>, packed: ⌈d / 8⌉ bytes a row, first dimension in the top bit.</summary>
    public static byte[] ToUBinary(EmbeddingMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int perRow = BytesPerBinaryRow(rows.Dimensions);
        var packed = new byte[(long)rows.Count * perRow];
        for (int r = 0; r < rows.Count; r++)
            UBinaryRow(rows[r], packed.AsSpan(r * perRow, perRow));
        return packed;
    }

    /// <summary>One row's sign bits, packed first dimension in the top bit (<paramref name="into"/> is cleared first).</summary>
    static void UBinaryRow(ReadOnlySpan<float> row, Span<byte> into)
    {
        into.Clear();
        for (int d = 0; d < row.Length; d++)
            if (row[d] > 0)
                into[d / 8] |= (byte)(0x80 >> (d % 8));
    }

    /// <summary>As <see cref="ToUBinary"/>, each byte minus 128 as int8.</summary>
    public static sbyte[] ToBinary(EmbeddingMatrix rows)
    {
        var packed = ToUBinary(rows);
        var codes = new sbyte[packed.Length];
        for (int i = 0; i < packed.Length; i++)
            codes[i] = (sbyte)(packed[i] - 128);
        return codes;
    }

    /// <summary>float16 values of <paramref name="rows"/> (row-major), each the nearest (ties to even).</summary>
    public static Half[] ToFloat16(EmbeddingMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var values = new Half[(long)rows.Count * rows.Dimensions];
        for (int r = 0; r < rows.Count; r++)
            Float16Row(rows[r], values.AsSpan(r * rows.Dimensions, rows.Dimensions));
        return values;
    }

    static void Float16Row(ReadOnlySpan<float> row, Span<Half> into)
    {
        for (int d = 0; d < row.Length; d++)
            into[d] = (Half)row[d];
    }

    /// <summary>bfloat16 values of <paramref name="rows"/> (row-major), each the nearest (ties to even), as PyTorch's <c>.to(torch.bfloat16)</c>.</summary>
    public static BFloat16[] ToBFloat16(EmbeddingMatrix rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var values = new BFloat16[(long)rows.Count * rows.Dimensions];
        for (int r = 0; r < rows.Count; r++)
            BFloat16Row(rows[r], values.AsSpan(r * rows.Dimensions, rows.Dimensions));
        return values;
    }

    static void BFloat16Row(ReadOnlySpan<float> row, Span<BFloat16> into)
    {
        for (int d = 0; d < row.Length; d++)
            into[d] = (BFloat16)row[d];
    }

    /// <summary>Bytes a packed binary row of <paramref name="dimensions"/> takes.</summary>
    public static int BytesPerBinaryRow(int dimensions) => (dimensions + 7) / 8;

    static long Checked(EmbeddingMatrix rows, QuantizationRanges ranges)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(ranges);
        if (rows.Count > 0 && (ranges.Min.Length != rows.Dimensions || ranges.Max.Length != rows.Dimensions))
            Throw.Argument(nameof(ranges), $"the ranges have {ranges.Min.Length} dimensions but the rows have {rows.Dimensions}");
        return (long)rows.Count * rows.Dimensions;
    }

    static void Quantize<T>(EmbeddingMatrix rows, QuantizationRanges ranges, float offset, Span<T> codes, Func<float, T> cast)
    {
        int dims = rows.Dimensions;
        var steps = Steps(ranges);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (int d = 0; d < dims; d++)
            {
                float scaled = (row[d] - ranges.Min[d]) / steps[d];
                // uint8 adds 0 (NumPy adds nothing; x + 0 differs from x only for −0, which casts the same).
                codes[(int)((long)r * dims + d)] = cast(scaled + offset);
            }
        }
    }

    /// <summary>(max − min) / 255 per dimension, as every int8 and uint8 code is computed.</summary>
    internal static float[] Steps(QuantizationRanges ranges)
    {
        var steps = new float[ranges.Min.Length];
        for (int d = 0; d < steps.Length; d++)
            steps[d] = (ranges.Max[d] - ranges.Min[d]) / 255f;
        return steps;
    }

    /// <summary>One row's codes at an index precision (float16, bfloat16, saturating int8, binary) into <paramref name="into"/>: the bytes the matrix methods give for that row.</summary>
    internal static void EncodeRow(Precision precision, ReadOnlySpan<float> row, QuantizationRanges? ranges, ReadOnlySpan<float> steps, Span<byte> into)
    {
        switch (precision)
        {
            case Precision.Float16:
                Float16Row(row, MemoryMarshal.Cast<byte, Half>(into));
                break;
            case Precision.BFloat16:
                BFloat16Row(row, MemoryMarshal.Cast<byte, BFloat16>(into));
                break;
            case Precision.Int8:
                // As Quantize: the scaled value plus the offset, then the cast.
                for (int d = 0; d < row.Length; d++)
                    into[d] = unchecked((byte)Saturate((row[d] - ranges!.Min[d]) / steps[d] + -128f));
                break;
            case Precision.Binary:
                UBinaryRow(row, into);
                for (int i = 0; i < into.Length; i++)
                    into[i] = unchecked((byte)(into[i] - 128));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(precision), $"{precision} is not an index precision");
        }
    }

    /// <summary>NumPy's float32-to-8-bit cast on x86: truncate to an integer, keep the low 8 bits; NaN, ±∞ and |v| ≥ 2³¹ give 0.</summary>
    static byte LowByte(float v) => float.IsNaN(v) || MathF.Abs(v) >= 2147483648f ? (byte)0 : unchecked((byte)(int)v);
}

/// <summary>Quantized rows written as NumPy files that NumPy (and sentence-transformers) read back.</summary>
public static class QuantizedFile
{
    /// <summary>
    /// Writes <paramref name="rows"/> at <paramref name="precision"/> to <paramref name="path"/>
    /// (atomically): float32 <c>&lt;f4</c>, float16 <c>&lt;f2</c>, int8 and binary <c>|i1</c>, uint8
    /// and ubinary <c>|u1</c>; int8/uint8 use <paramref name="ranges"/>, else the rows' own ranges.
    /// bfloat16, which NumPy has no dtype for, is written as its raw bits, <c>&lt;u2</c> (what
    /// <c>tensor.view(torch.int16).numpy().view(numpy.uint16)</c> gives); reading it back needs the
    /// format <c>npy-bfloat16</c>, since nothing in the file says the integers are bfloat16.
    /// </summary>
    public static void WriteNpy(string path, EmbeddingMatrix rows, Precision precision, QuantizationRanges? ranges = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int n = rows.Count, d = rows.Dimensions, packed = Quantizer.BytesPerBinaryRow(d);
        var (descr, width) = precision switch
        {
            Precision.Float32 => ("<f4", d),
            Precision.Float16 => ("<f2", d),
            Precision.BFloat16 => ("<u2", d),
            Precision.Int8 => ("|i1", d),
            Precision.UInt8 => ("|u1", d),
            Precision.Binary => ("|i1", packed),
            Precision.UBinary => ("|u1", packed),
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "not a precision"),
        };
        if (precision is Precision.Int8 or Precision.UInt8)
            ranges ??= QuantizationRanges.Of(rows);
        IO.AtomicFile.Write(path, s =>
        {
            // A block of rows at a time, each block's codes as the whole-matrix methods give them:
            // any number of rows, memory for one block.
            IO.NpyWriter.WriteHeader(s, descr, n, width);
            const int block = 4096;
            for (int first = 0; first < n; first += block)
            {
                var part = Block(rows, first, Math.Min(block, n - first));
                s.Write(precision switch
                {
                    Precision.Float32 => MemoryMarshal.AsBytes(part.Data),
                    Precision.Float16 => MemoryMarshal.AsBytes(Quantizer.ToFloat16(part).AsSpan()),
                    Precision.BFloat16 => MemoryMarshal.AsBytes(Quantizer.ToBFloat16(part).AsSpan()),
                    Precision.Int8 => MemoryMarshal.AsBytes(Quantizer.ToInt8(part, ranges!).AsSpan()),
                    Precision.UInt8 => Quantizer.ToUInt8(part, ranges!),
                    Precision.Binary => MemoryMarshal.AsBytes(Quantizer.ToBinary(part).AsSpan()),
                    _ => Quantizer.ToUBinary(part),
                });
            }
        });
    }

    /// <summary>Rows <paramref name="first"/> … + <paramref name="count"/> − 1 as a float32 matrix of their own.</summary>
    static EmbeddingMatrix Block(EmbeddingMatrix rows, int first, int count)
    {
        var values = new float[(long)count * rows.Dimensions];
        for (int r = 0; r < count; r++)
            rows[first + r].CopyTo(values.AsSpan(r * rows.Dimensions, rows.Dimensions));
        return EmbeddingMatrix.Create(values, rows.Dimensions);
    }
}
