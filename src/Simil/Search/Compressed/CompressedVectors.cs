using System.Runtime.InteropServices;
using Simil.Quantization;
using Simil.Storage;

namespace Simil.Search.Compressed;

/// <summary>
/// The rows of an index stored at a lower precision, as bytes (<c>docs/index-format.md</c>, <c>VECT</c>):
/// float16 or bfloat16 (2 bytes a dimension), int8 (1 byte, from per-dimension ranges kept beside
/// them so that queries and added rows are quantized the same way; saturating, not wrapping as
/// NumPy's cast does, since rows added later may fall outside the first ranges) or binary (sign bits, ⌈d/8⌉
/// bytes). They propose candidates; final scores come from float32 rows where the index keeps them,
/// else from the rows decoded back to float32 (<see cref="Decode"/>).
/// </summary>
sealed class CompressedVectors
{
    CompressedVectors(Precision precision, int dimensions, VectorRows codes, QuantizationRanges? ranges)
    {
        Precision = precision;
        Dimensions = dimensions;
        Codes = codes;
        Ranges = ranges;
        if (ranges is not null)
        {
            Steps = Quantizer.Steps(ranges);
        }
    }

    /// <summary>The precisions an index stores: uint8 and ubinary are int8 and binary plus 128 per byte, so they are not kept twice.</summary>
    public static bool Indexable(Precision precision) =>
        precision is Precision.Float32 or Precision.Float16 or Precision.BFloat16 or Precision.Int8 or Precision.Binary;

    public Precision Precision { get; }

    /// <summary>Dimensions of the vectors the codes stand for.</summary>
    public int Dimensions { get; }

    /// <summary>One row of bytes per vector.</summary>
    public VectorRows Codes { get; }

    /// <summary>int8: the per-dimension ranges that made the codes; else null.</summary>
    public QuantizationRanges? Ranges { get; }

    /// <summary>int8: (max − min) / 255 per dimension, as the quantizer computes it.</summary>
    float[]? Steps { get; }

    public int Count => Codes.Count;

    /// <summary>Bytes of one row at <paramref name="precision"/>.</summary>
    public static int BytesPerRow(Precision precision, int dimensions) => StoredValues.BytesPerVector(precision, dimensions);

    /// <summary>Codes over existing bytes (a file's map).</summary>
    public static CompressedVectors Over(Precision precision, int dimensions, VectorRows codes, QuantizationRanges? ranges)
    {
        if (codes.Dimensions != BytesPerRow(precision, dimensions))
            Throw.Argument(nameof(codes), $"{precision.Name()} rows of {dimensions} dimensions take {BytesPerRow(precision, dimensions)} bytes, not {codes.Dimensions}");
        return new(precision, dimensions, codes, ranges);
    }

    /// <summary>Encodes <paramref name="rows"/>; int8 uses <paramref name="ranges"/>, else the rows' own.</summary>
    /// <param name="rows">The float32 rows.</param>
    /// <param name="precision">The codes' precision.</param>
    /// <param name="ranges">int8: the ranges (else the rows' own).</param>
    /// <param name="norms">When given, each row's length ‖x‖ is computed in the same pass (as <c>VectorIndex</c> computes it).</param>
    /// <param name="release">The float32 rows are not needed after this pass: each block of rows is released after it is encoded (<see cref="VectorRows.Release"/>).</param>
    public static CompressedVectors Encode(EmbeddingMatrix rows, Precision precision, QuantizationRanges? ranges = null, float[]? norms = null, bool release = false)
    {
        if (!Indexable(precision) || precision == Precision.Float32)
            Throw.Argument(nameof(precision), $"an index stores float16, bfloat16, int8 or binary codes, not {precision.Name()}");
        if (precision == Precision.Int8)
            ranges ??= rows.Count > 0 ? QuantizationRanges.Of(rows) : Zero(rows.Dimensions);
        else
            ranges = null;
        var codes = new NativeRows(ElementType.Byte, rows.Count, BytesPerRow(precision, rows.Dimensions));
        EncodeInto(rows, precision, ranges, codes, 0, norms, release);
        return new(precision, rows.Dimensions, codes, ranges);
    }

    /// <summary>
    /// The codes of <paramref name="rows"/> into <paramref name="codes"/> from row <paramref name="first"/>
    /// on, a row at a time in parallel, in native memory: no 2³¹ limit, nothing held twice.
    /// </summary>
    static void EncodeInto(EmbeddingMatrix rows, Precision precision, QuantizationRanges? ranges, NativeRows codes, int first,
        float[]? norms = null, bool release = false)
    {
        var steps = ranges is null ? [] : Quantizer.Steps(ranges);
        Parallel.For(0, (rows.Count + 4095) / 4096, block =>
        {
            int start = block * 4096, end = Math.Min(rows.Count, start + 4096);
            for (int r = start; r < end; r++)
            {
                var row = rows[r];
                Quantizer.EncodeRow(precision, row, ranges, steps, codes.WritableRow<byte>(first + r));
                if (norms is not null)
                    norms[r] = VectorIndex.Norm(row);
            }
            if (release)
                rows.Rows.Release(start, end - start);
        });
    }

    static QuantizationRanges Zero(int dimensions) => new(new float[dimensions], new float[dimensions]);

    /// <summary>These codes followed by those of <paramref name="more"/>, quantized with the same ranges.</summary>
    public CompressedVectors Append(EmbeddingMatrix more)
    {
        var codes = new NativeRows(ElementType.Byte, checked(Count + more.Count), Codes.Dimensions);
        for (int r = 0; r < Count; r++)
            Codes.Row<byte>(r).CopyTo(codes.WritableRow<byte>(r));
        EncodeInto(more, Precision, Ranges, codes, Count);
        return new(Precision, Dimensions, codes, Ranges);
    }

    /// <summary>The query encoded as the rows are (the symmetric scoring every kernel here runs).</summary>
    public byte[] EncodeQuery(ReadOnlySpan<float> query)
    {
        var code = new byte[Codes.Dimensions];
        Quantizer.EncodeRow(Precision, query, Ranges, Steps, code);
        return code;
    }

    /// <summary>
    /// Row <paramref name="row"/> back in float32: float16 and bfloat16 exactly; int8 as
    /// <c>min + step × (code + 128)</c>, the lower end of the step the value fell in (the quantizer
    /// truncates); binary as ±1 per dimension (the sign vector), so that a
    /// binary index without float32 rows still reports a score of the metric's kind.
    /// </summary>
    public void Decode(int row, Span<float> into)
    {
        var code = Codes.Row<byte>(row);
        switch (Precision)
        {
            case Precision.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(code);
                for (int d = 0; d < Dimensions; d++)
                    into[d] = (float)halves[d];
                break;
            case Precision.BFloat16:
                var b16 = MemoryMarshal.Cast<byte, BFloat16>(code);
                for (int d = 0; d < Dimensions; d++)
                    into[d] = (float)b16[d];
                break;
            case Precision.Int8:
                var signed = MemoryMarshal.Cast<byte, sbyte>(code);
                for (int d = 0; d < Dimensions; d++)
                    into[d] = Ranges!.Min[d] + Steps![d] * (signed[d] + 128);
                break;
            default:
                for (int d = 0; d < Dimensions; d++)
                    into[d] = ((code[d / 8] ^ 0x80) & (0x80 >> (d % 8))) != 0 ? 1f : -1f;
                break;
        }
    }
}
