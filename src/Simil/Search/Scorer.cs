using System.Runtime.Intrinsics.X86;
using Simil.Kernels;

namespace Simil.Search;

/// <summary>
/// One metric as a type, so that loops over rows are specialised per metric (no switch per row):
/// the one-to-one score (bit for bit <see cref="Similarity.Compute(Metric, ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// and the score from a dot product and two squared norms, in float64 — the one place that step is written.
/// </summary>
interface IMetricKernel
{
    /// <summary>The one-to-one score of a row against the query (the kernels are symmetric bit for bit).</summary>
    static abstract float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query);

    /// <summary>
    /// What every row's score against <paramref name="query"/> would compute again: <c>‖q‖²</c> for
    /// cosine and cosine distance, exactly as the one-to-one kernel sums it; 0 for the others.
    /// </summary>
    static abstract double QueryConstant(ReadOnlySpan<float> query);

    /// <summary><see cref="Score(ReadOnlySpan{float}, ReadOnlySpan{float})"/> bit for bit, given <see cref="QueryConstant"/> of the query.</summary>
    static abstract float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant);

    /// <summary>The score from <c>q·c</c>, <c>‖q‖²</c> and <c>‖c‖²</c>, in float64 (l2sq by the expansion, clamped at 0).</summary>
    static abstract double FromDot(double dot, double queryNorm, double rowNorm);
}

/// <summary>The metrics as <see cref="IMetricKernel"/> types.</summary>
static class MetricKernels
{
    public readonly struct Dot : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query) => (float)Reduce.Run<DotOperator>(row, query);
        public static double QueryConstant(ReadOnlySpan<float> query) => 0;
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant) => Score(row, query);
        public static double FromDot(double dot, double queryNorm, double rowNorm) => dot;
    }

    public readonly struct NegativeDot : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query) => -(float)Reduce.Run<DotOperator>(row, query);
        public static double QueryConstant(ReadOnlySpan<float> query) => 0;
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant) => Score(row, query);
        public static double FromDot(double dot, double queryNorm, double rowNorm) => -dot;
    }

    public readonly struct Cosine : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query)
        {
            var (dot, normA, normB) = CosineKernel.Sums(row, query);
            return (float)CosineKernel.FromSums(dot, normA, normB);
        }

        // ‖q‖² summed as the kernel sums its second argument: the same FMAs in the same order.
        public static double QueryConstant(ReadOnlySpan<float> query) => CosineKernel.DotAndNormA(query, query).NormA;

        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant)
        {
            var (dot, normA) = CosineKernel.DotAndNormA(row, query);
            return (float)CosineKernel.FromSums(dot, normA, queryConstant);
        }

        public static double FromDot(double dot, double queryNorm, double rowNorm) => CosineKernel.FromSums(dot, queryNorm, rowNorm);
    }

    public readonly struct CosineDistance : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query)
        {
            var (dot, normA, normB) = CosineKernel.Sums(row, query);
            return (float)(1.0 - CosineKernel.FromSums(dot, normA, normB));
        }

        public static double QueryConstant(ReadOnlySpan<float> query) => Cosine.QueryConstant(query);

        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant)
        {
            var (dot, normA) = CosineKernel.DotAndNormA(row, query);
            return (float)(1.0 - CosineKernel.FromSums(dot, normA, queryConstant));
        }

        public static double FromDot(double dot, double queryNorm, double rowNorm) => 1.0 - CosineKernel.FromSums(dot, queryNorm, rowNorm);
    }

    public readonly struct L2Squared : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query) => (float)Reduce.Run<L2SquaredOperator>(row, query);
        public static double QueryConstant(ReadOnlySpan<float> query) => 0;
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant) => Score(row, query);
        public static double FromDot(double dot, double queryNorm, double rowNorm) => Math.Max(0, queryNorm + rowNorm - 2.0 * dot);
    }

    public readonly struct L2 : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query) => (float)Math.Sqrt(Reduce.Run<L2SquaredOperator>(row, query));
        public static double QueryConstant(ReadOnlySpan<float> query) => 0;
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant) => Score(row, query);
        public static double FromDot(double dot, double queryNorm, double rowNorm) => Math.Sqrt(L2Squared.FromDot(dot, queryNorm, rowNorm));
    }

    public readonly struct L1 : IMetricKernel
    {
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query) => (float)Reduce.Run<L1Operator>(row, query);
        public static double QueryConstant(ReadOnlySpan<float> query) => 0;
        public static float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> query, double queryConstant) => Score(row, query);
        public static double FromDot(double dot, double queryNorm, double rowNorm) =>
            throw new NotSupportedException("l1 cannot be derived from a dot product");
    }
}

/// <summary>
/// A metric bound to one query, as FAISS's distance computers and hnswlib's distance functions
/// are: made once per query, then scoring rows with the one-to-one kernel. The metric is chosen
/// once, in <see cref="Create"/>; every loop over rows is specialised for it.
/// </summary>
abstract class QueryScorer
{
    protected QueryScorer(float[] query) => Query = query;

    /// <summary>The query (a copy, so that the scorer can cross threads).</summary>
    public float[] Query { get; }

    /// <summary>A scorer for <paramref name="metric"/> and <paramref name="query"/>.</summary>
    public static QueryScorer Create(Metric metric, ReadOnlySpan<float> query) => metric switch
    {
        Metric.Dot => new Typed<MetricKernels.Dot>(query.ToArray()),
        Metric.NegativeDot => new Typed<MetricKernels.NegativeDot>(query.ToArray()),
        Metric.Cosine => new Typed<MetricKernels.Cosine>(query.ToArray()),
        Metric.CosineDistance => new Typed<MetricKernels.CosineDistance>(query.ToArray()),
        Metric.L2Squared => new Typed<MetricKernels.L2Squared>(query.ToArray()),
        Metric.L2 => new Typed<MetricKernels.L2>(query.ToArray()),
        Metric.L1 => new Typed<MetricKernels.L1>(query.ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a metric"),
    };

    /// <summary>The one-to-one score of <paramref name="row"/>.</summary>
    public abstract float Score(ReadOnlySpan<float> row);

    /// <summary>Scores rows <paramref name="first"/> … <paramref name="first"/> + scores.Length − 1 of <paramref name="rows"/>.</summary>
    public abstract void ScoreBlock(EmbeddingMatrix rows, int first, Span<float> scores);

    /// <summary>Offers rows <paramref name="from"/> … <paramref name="to"/> − 1 to <paramref name="top"/>.</summary>
    public abstract void Scan(EmbeddingMatrix rows, int from, int to, TopK top);

    sealed class Typed<TMetric>(float[] query) : QueryScorer(query) where TMetric : struct, IMetricKernel
    {
        readonly double _constant = TMetric.QueryConstant(query);

        public override float Score(ReadOnlySpan<float> row) => TMetric.Score(row, Query, _constant);

        public override void ScoreBlock(EmbeddingMatrix rows, int first, Span<float> scores)
        {
            var buffer = rows.IsFloat64 ? new float[rows.Dimensions] : null;
            for (int i = 0; i < scores.Length; i++)
                scores[i] = TMetric.Score(RowAsFloat32(rows, first + i, buffer), Query, _constant);
        }

        public override void Scan(EmbeddingMatrix rows, int from, int to, TopK top)
        {
            var query = Query.AsSpan();
            if (rows.IsFloat64)
            {
                // Float64 rows are narrowed one at a time into one buffer: no float32 copy of the corpus.
                var buffer = new float[rows.Dimensions];
                for (int r = from; r < to; r++)
                    top.Add(TMetric.Score(RowAsFloat32(rows, r, buffer), query, _constant), r);
                return;
            }
            var storage = rows.Rows;
            int stop = Math.Max(from, to - PrefetchAhead);
            int i = from;
            for (; i < stop; i++)
            {
                Prefetch(storage.Row<float>(i + PrefetchAhead));
                top.Add(TMetric.Score(storage.Row<float>(i), query, _constant), i);
            }
            for (; i < to; i++)
                top.Add(TMetric.Score(storage.Row<float>(i), query, _constant), i);
        }

        /// <summary>
        /// Rows a scan asks for ahead of the one it scores: a row's reduction and heap step leave too
        /// few rows in flight in the out-of-order window to keep memory busy (cosine reached 70–76 %
        /// of the read bandwidth without, ~100 % with; Xeon, 384 dims).
        /// </summary>
        const int PrefetchAhead = 8;

        /// <summary>Asks for every cache line of <paramref name="row"/> (a hint: never faults, changes no result).</summary>
        static unsafe void Prefetch(ReadOnlySpan<float> row)
        {
            if (!Sse.IsSupported)
                return;
            fixed (float* p = row)
            {
                byte* start = (byte*)p;
                int bytes = row.Length * sizeof(float);
                for (int offset = 0; offset < bytes; offset += 64)
                    Sse.Prefetch0(start + offset);
            }
        }

        static ReadOnlySpan<float> RowAsFloat32(EmbeddingMatrix rows, int row, float[]? buffer)
        {
            if (buffer is null)
                return rows.Rows.Row<float>(row);
            var wide = rows.GetRow64(row);
            for (int t = 0; t < buffer.Length; t++)
                buffer[t] = (float)wide[t];
            return buffer;
        }
    }
}
