using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Simil.Kernels;
using Simil.Kernels.Bits;
using Simil.Kernels.Int8;
using Simil.Quantization;
using Simil.Storage;

namespace Simil.Search.Compressed;

/// <summary>
/// A distance between an encoded query and a row of codes, lower is closer, ranking as the metric
/// does on the stored values: float16 and bfloat16 through the float32 kernels' widening loads,
/// int8 through the exact integer kernels, binary by Hamming distance (for every metric: the sign
/// bits carry no length).
/// </summary>
interface ICodeKernel
{
    static abstract float Distance(ReadOnlySpan<byte> query, ReadOnlySpan<byte> row);
}

static class CodeKernels
{
    static ReadOnlySpan<Half> F16(ReadOnlySpan<byte> b) => MemoryMarshal.Cast<byte, Half>(b);
    static ReadOnlySpan<BFloat16> B16(ReadOnlySpan<byte> b) => MemoryMarshal.Cast<byte, BFloat16>(b);
    static ReadOnlySpan<sbyte> I8(ReadOnlySpan<byte> b) => MemoryMarshal.Cast<byte, sbyte>(b);

    public readonly struct Float16Dot : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => -(float)Reduce.Run<DotOperator, Float16Loader, Half>(F16(q), F16(r));
    }

    public readonly struct Float16Cosine : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r)
        {
            var (dot, a, b) = CosineKernel.Sums<Float16Loader, Half>(F16(q), F16(r));
            return -(float)CosineKernel.FromSums(dot, a, b);
        }
    }

    public readonly struct Float16L2 : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => (float)Reduce.Run<L2SquaredOperator, Float16Loader, Half>(F16(q), F16(r));
    }

    public readonly struct BFloat16Dot : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => -(float)Reduce.Run<DotOperator, BFloat16Loader, BFloat16>(B16(q), B16(r));
    }

    public readonly struct BFloat16Cosine : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r)
        {
            var (dot, a, b) = CosineKernel.Sums<BFloat16Loader, BFloat16>(B16(q), B16(r));
            return -(float)CosineKernel.FromSums(dot, a, b);
        }
    }

    public readonly struct BFloat16L2 : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => (float)Reduce.Run<L2SquaredOperator, BFloat16Loader, BFloat16>(B16(q), B16(r));
    }

    public readonly struct Int8Dot : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => -Int8Kernel.Dot(I8(q), I8(r));
    }

    public readonly struct Int8Cosine : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r)
        {
            long rr = Int8Kernel.Dot(I8(r), I8(r));
            // The query's own length does not change the order: the dot over the row's length.
            return rr == 0 ? 0 : -(float)(Int8Kernel.Dot(I8(q), I8(r)) / Math.Sqrt(rr));
        }
    }

    public readonly struct Int8L2 : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => Int8Kernel.L2Squared(I8(q), I8(r));
    }

    public readonly struct Hamming : ICodeKernel
    {
        public static float Distance(ReadOnlySpan<byte> q, ReadOnlySpan<byte> r) => HammingKernel.Distance(q, r);
    }
}

/// <summary>A query encoded once, then scoring rows of codes (lower is closer); the kernel is chosen once per query.</summary>
abstract unsafe class CodeScorer
{
    /// <summary>
    /// int8 rows are scored asymmetrically (the float32 query against the rows' dequantized values)
    /// rather than against the query quantized the same way: on the Debian set recall@10 before
    /// rescoring rose from the figures in <c>bench/results</c>. False only to measure the other way.
    /// </summary>
    internal static bool Int8Asymmetric { get; set; } = true;

    /// <summary>
    /// The scorer for <paramref name="metric"/> over <paramref name="codes"/>; <paramref name="norms"/>
    /// (each row's float32 length, valid while the scorer is used) serve the asymmetric int8 scores.
    /// </summary>
    public static CodeScorer Create(CompressedVectors codes, Metric metric, ReadOnlySpan<float> query, float* norms)
    {
        if (codes.Precision == Precision.Int8 && Int8Asymmetric)
            return new AsymmetricInt8(codes, metric, query, norms);
        var q = codes.EncodeQuery(query);
        var family = metric switch
        {
            Metric.Dot or Metric.NegativeDot => 0,
            Metric.Cosine or Metric.CosineDistance => 1,
            Metric.L2Squared or Metric.L2 => 2,
            _ => throw new ArgumentException($"a compressed index ranks by dot, cosine, l2sq or l2, not {metric.Name()}", nameof(metric)),
        };
        return (codes.Precision, family) switch
        {
            (Precision.Float16, 0) => new Typed<CodeKernels.Float16Dot>(codes.Codes, q),
            (Precision.Float16, 1) => new Typed<CodeKernels.Float16Cosine>(codes.Codes, q),
            (Precision.Float16, _) => new Typed<CodeKernels.Float16L2>(codes.Codes, q),
            (Precision.BFloat16, 0) => new Typed<CodeKernels.BFloat16Dot>(codes.Codes, q),
            (Precision.BFloat16, 1) => new Typed<CodeKernels.BFloat16Cosine>(codes.Codes, q),
            (Precision.BFloat16, _) => new Typed<CodeKernels.BFloat16L2>(codes.Codes, q),
            (Precision.Int8, 0) => new Typed<CodeKernels.Int8Dot>(codes.Codes, q),
            (Precision.Int8, 1) => new Typed<CodeKernels.Int8Cosine>(codes.Codes, q),
            (Precision.Int8, _) => new Typed<CodeKernels.Int8L2>(codes.Codes, q),
            _ => new HammingScorer(codes.Codes, q),
        };
    }

    /// <summary>
    /// Calls <paramref name="scan"/> with runs of contiguous rows (as one span each, at most 2³¹
    /// bytes), so that a scan's inner loop indexes bytes, not rows through <see cref="VectorRows.Row{T}"/>.
    /// </summary>
    protected static void Blocks(VectorRows codes, int from, int to, Action<int, int, ReadOnlySpan<byte>> scan)
    {
        int width = codes.Dimensions;
        int most = Math.Max(1, int.MaxValue / width);
        for (int start = from; start < to; start += most)
        {
            int count = Math.Min(most, to - start);
            scan(start, count, codes.Range<byte>(start, count));
        }
    }

    /// <summary>The distance of row <paramref name="row"/>.</summary>
    public abstract float Distance(int row);

    /// <summary>Offers rows from … to − 1 to <paramref name="top"/> (which keeps the lowest).</summary>
    public abstract void Scan(int from, int to, TopK top);

    protected CodeScorer(VectorRows codes) => Codes = codes;

    /// <summary>The rows of codes scored.</summary>
    protected VectorRows Codes { get; }

    /// <summary>Starts loading a row's codes into the cache (a hint; nothing happens without SSE).</summary>
    public void Prefetch(int row) => PrefetchBytes(Codes.Row<byte>(row));

    /// <summary>How many rows ahead a scan asks for.</summary>
    protected const int Ahead = 8;

    /// <summary>Asks for every cache line of <paramref name="span"/> (a hint; nothing happens without SSE).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static void PrefetchBytes(ReadOnlySpan<byte> span)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
            return;
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
        for (int at = 0; at < span.Length; at += 64)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + at);
    }

    sealed class Typed<TKernel>(VectorRows codes, byte[] query) : CodeScorer(codes) where TKernel : struct, ICodeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public override float Distance(int row) => TKernel.Distance(query, Codes.Row<byte>(row));

        public override void Scan(int from, int to, TopK top)
        {
            var q = query.AsSpan();
            for (int i = from; i < to; i++)
                top.Add(TKernel.Distance(q, Codes.Row<byte>(i)), i);
        }

    }

    /// <summary>
    /// A float32 query against int8 rows as what they stand for, x̂ = min + step × (c + 128):
    /// q·x̂ = Σ qᵢminᵢ + 128 Σ qᵢstepᵢ + Σ (qᵢstepᵢ) cᵢ, so one integer dot product per row with the
    /// weights qᵢstepᵢ rounded to 16 bits (<see cref="Int8Kernel.DotWeights16"/>), plus a constant. Cosine divides by the row's float32 length, l2sq adds its
    /// square (the query's own length changes no order).
    /// </summary>
    sealed class AsymmetricInt8 : CodeScorer
    {
        readonly short[] _weights;
        readonly double _constant, _unscale;
        readonly float* _norms;
        readonly int _family;

        public AsymmetricInt8(CompressedVectors codes, Metric metric, ReadOnlySpan<float> query, float* norms)
            : base(codes.Codes)
        {
            _norms = norms;
            _family = metric switch
            {
                Metric.Dot or Metric.NegativeDot => 0,
                Metric.Cosine or Metric.CosineDistance => 1,
                _ => 2,
            };
            var ranges = codes.Ranges!;
            var weights = new double[query.Length];
            double constant = 0, largest = 0;
            for (int d = 0; d < query.Length; d++)
            {
                float step = (ranges.Max[d] - ranges.Min[d]) / 255f;
                weights[d] = (double)query[d] * step;
                largest = Math.Max(largest, Math.Abs(weights[d]));
                constant += (double)query[d] * ranges.Min[d] + 128.0 * weights[d];
            }
            // The weights rounded to 16 bits (the largest to ±32,767): the integer kernel then sums
            // exactly, and a candidate's score moves by at most 2⁻¹⁶ of the largest weight per code unit.
            double scale = largest > 0 ? 32767.0 / largest : 0;
            _weights = [.. weights.Select(w => (short)Math.Round(w * scale))];
            _unscale = largest > 0 ? largest / 32767.0 : 0;
            _constant = constant;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        float FromDot(long sum, int row)
        {
            double dot = _constant + sum * _unscale;
            double norm = _norms[row];
            return _family switch
            {
                0 => (float)-dot,
                1 => norm > 0 ? (float)(-dot / norm) : 0f,
                _ => (float)(norm * norm - 2 * dot),
            };
        }

        public override float Distance(int row) =>
            FromDot(Int8Kernel.DotWeights16(_weights, MemoryMarshal.Cast<byte, sbyte>(Codes.Row<byte>(row))), row);

        public override void Scan(int from, int to, TopK top) => Blocks(Codes, from, to, (start, count, block) =>
        {
            int width = Codes.Dimensions;
            var weights = _weights.AsSpan();
            var (full, worst) = (top.Full, top.WorstScore);
            for (int r = 0; r < count; r++)
            {
                int row = start + r;
                // As the float32 scan does: ask for the row 8 ahead, every line, so the sums never wait on memory.
                if (r + Ahead < count)
                    PrefetchBytes(block.Slice((r + Ahead) * width, width));
                float distance = FromDot(Int8Kernel.DotWeights16(weights, MemoryMarshal.Cast<byte, sbyte>(block.Slice(r * width, width))), row);
                // Rows are offered in increasing order, so one that only ties the worst kept loses its tie: skip the call.
                if (!full || distance < worst || float.IsNaN(worst))
                {
                    top.Add(distance, row);
                    (full, worst) = (top.Full, top.WorstScore);
                }
            }
        });
    }

    /// <summary>
    /// Binary rows by Hamming distance, the scan specialised: a row's words XORed with the query's
    /// and counted with POPCNT in one loop, no call per row.
    /// </summary>
    sealed class HammingScorer(VectorRows codes, byte[] query) : CodeScorer(codes)
    {
        public override float Distance(int row) => HammingKernel.Distance(query, Codes.Row<byte>(row));

        public override void Scan(int from, int to, TopK top) => Blocks(Codes, from, to, (start, count, block) =>
        {
            int width = Codes.Dimensions, words = width / 8;
            ref byte q = ref MemoryMarshal.GetArrayDataReference(query);
            ref byte b = ref MemoryMarshal.GetReference(block);
            var (full, worst) = (top.Full, top.WorstScore);
            for (int r = 0; r < count; r++)
            {
                ref byte row = ref Unsafe.Add(ref b, (nint)r * width);
                long h = 0;
                for (int w = 0; w < words; w++)
                    h += System.Numerics.BitOperations.PopCount(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref row, w * 8)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref q, w * 8)));
                for (int t = words * 8; t < width; t++)
                    h += System.Numerics.BitOperations.PopCount((uint)(Unsafe.Add(ref row, t) ^ Unsafe.Add(ref q, t)));
                if (!full || h < worst)
                {
                    top.Add(h, start + r);
                    (full, worst) = (top.Full, top.WorstScore);
                }
            }
        });

    }
}
