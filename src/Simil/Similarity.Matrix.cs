using Simil.Kernels;
using Simil.Search;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// All pairs: <c>result[i · b.Count + j] = metric(a[i], b[j])</c>, on every core.
    /// </summary>
    /// <remarks>
    /// Dot products, cosine and the L2 family come from one blocked, packed matrix product
    /// (AVX-512 register tiles, float32 accumulation folded into float64), then each cell is
    /// finished in float64: cosine divides by the two norms; l2sq is <c>‖a‖² + ‖b‖² − 2a·b</c>,
    /// clamped at 0, and any pair whose l2sq is small beside <c>‖a‖² + ‖b‖²</c> (where that form
    /// loses digits) is computed again from the differences, so every cell meets the accuracy of
    /// the one-to-one kernels. L1, and every metric where the hardware lacks AVX-512, use the
    /// one-to-one kernels pair by pair. Float64 matrices (<see cref="EmbeddingMatrix.IsFloat64"/>)
    /// are scored in float64 and rounded once.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The matrices have different dimensions, or <paramref name="result"/> is not <c>a.Count × b.Count</c> long.
    /// </exception>
    public static void Matrix(Metric metric, EmbeddingMatrix a, EmbeddingMatrix b, Span<float> result)
    {
        CheckMatrixShapes(a, b, result.Length);
        if (a.IsFloat64 || b.IsFloat64)
        {
            var wide = new double[result.Length];
            Matrix(metric, a, b, wide.AsSpan());
            for (int i = 0; i < wide.Length; i++)
                result[i] = (float)wide[i];
            return;
        }
        if (metric == Metric.L1 || !DotGemm.IsSupported)
        {
            PairByPair(metric, a, b, result);
            return;
        }
        DotGemm.Run(a.Data, a.Count, b.Data, b.Count, a.Dimensions, result);
        if (metric is Metric.Dot)
            return;
        var normsA = SquaredNorms(a);
        var normsB = a == b ? normsA : SquaredNorms(b);
        int n = b.Count;
        unsafe
        {
            fixed (float* r = result)
            {
                float* rp = r;
                Parallel.For(0, a.Count, i => FinishRow(metric, new Span<float>(rp + (long)i * n, n), normsA[i], normsB, a[i], b));
            }
        }
    }

    /// <summary>
    /// All pairs as a <see cref="ScoreMatrix"/>: cell (i, j) is <c>metric(a[i], b[j])</c>, rows
    /// labelled by a's keys and columns by b's, computed and kept in <paramref name="precision"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The matrices have different dimensions, or the result would not fit one array.</exception>
    public static ScoreMatrix Matrix(Metric metric, EmbeddingMatrix a, EmbeddingMatrix b, ScorePrecision precision = ScorePrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        long cells = (long)a.Count * b.Count;
        if (cells > Array.MaxLength)
            Throw.Argument(nameof(b), $"{a.Count} × {b.Count} = {cells} values do not fit one array");
        if (precision == ScorePrecision.Float64)
        {
            var values = new double[cells];
            Matrix(metric, a, b, values.AsSpan());
            return ScoreMatrix.Wrap(metric, a.Count, b.Count, values, a.Keys, b.Keys);
        }
        var floats = new float[cells];
        Matrix(metric, a, b, floats.AsSpan());
        return ScoreMatrix.Wrap(metric, a.Count, b.Count, floats, a.Keys, b.Keys);
    }

    /// <summary>All pairs in float64: <c>result[i · b.Count + j] = metric(a[i], b[j])</c>, each from the float64 kernels.</summary>
    /// <exception cref="ArgumentException">As for the float32 overload.</exception>
    public static void Matrix(Metric metric, EmbeddingMatrix a, EmbeddingMatrix b, Span<double> result)
    {
        CheckMatrixShapes(a, b, result.Length);
        int n = b.Count;
        unsafe
        {
            fixed (double* r = result)
            {
                double* rp = r;
                Parallel.For(0, a.Count, i =>
                {
                    var row = new Span<double>(rp + (long)i * n, n);
                    if (a.IsFloat64 && b.IsFloat64)
                    {
                        var x = a.GetRow64(i);
                        for (int j = 0; j < n; j++)
                            row[j] = Compute(metric, x, b.GetRow64(j));
                    }
                    else
                    {
                        var x = Widen(a, i);
                        var y = new double[a.Dimensions];
                        for (int j = 0; j < n; j++)
                        {
                            if (b.IsFloat64)
                                row[j] = Compute(metric, x, b.GetRow64(j));
                            else
                            {
                                var bj = b[j];
                                for (int t = 0; t < y.Length; t++) y[t] = bj[t];
                                row[j] = Compute(metric, x, y);
                            }
                        }
                    }
                });
            }
        }
    }

    static double[] Widen(EmbeddingMatrix m, int row)
    {
        if (m.IsFloat64)
            return m.GetRow64(row).ToArray();
        var source = m[row];
        var wide = new double[source.Length];
        for (int t = 0; t < wide.Length; t++) wide[t] = source[t];
        return wide;
    }

    static void CheckMatrixShapes(EmbeddingMatrix a, EmbeddingMatrix b, int resultLength)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimensions != b.Dimensions)
            Throw.LengthMismatch(a.Dimensions, b.Dimensions);
        if ((long)a.Count * b.Count != resultLength)
            Throw.Argument("result", $"the result holds {resultLength} values; {a.Count} × {b.Count} = {(long)a.Count * b.Count} are needed");
    }

    static void PairByPair(Metric metric, EmbeddingMatrix a, EmbeddingMatrix b, Span<float> result)
    {
        int n = b.Count;
        unsafe
        {
            fixed (float* r = result)
            {
                float* rp = r;
                Parallel.For(0, a.Count, i =>
                {
                    // The metric bound to row i once; the loop over b is specialised for it
                    // (the kernels are symmetric bit for bit, so this is Compute(metric, a[i], b[j])).
                    var scorer = QueryScorer.Create(metric, a[i]);
                    scorer.ScoreBlock(b, 0, new Span<float>(rp + (long)i * n, n));
                });
            }
        }
    }

    static double[] SquaredNorms(EmbeddingMatrix m)
    {
        var norms = new double[m.Count];
        Parallel.For(0, m.Count, i => norms[i] = Reduce.Run<DotOperator>(m[i], m[i]));
        return norms;
    }

    /// <summary>Turns one row of dot products into the metric's values, in float64, with one tight loop per metric.</summary>
    static void FinishRow(Metric metric, Span<float> row, double na, double[] normsB, ReadOnlySpan<float> x, EmbeddingMatrix b)
    {
        switch (metric)
        {
            case Metric.NegativeDot:
                FinishRow<MetricKernels.NegativeDot>(row, na, normsB);
                return;
            case Metric.Cosine:
                FinishRow<MetricKernels.Cosine>(row, na, normsB);
                return;
            case Metric.CosineDistance:
                FinishRow<MetricKernels.CosineDistance>(row, na, normsB);
                return;
            default:
            {
                bool root = metric == Metric.L2;
                for (int j = 0; j < row.Length; j++)
                {
                    double l2sq = MetricKernels.L2Squared.FromDot(row[j], na, normsB[j]);
                    // Where l2sq is small beside the norms the expansion has lost digits: recompute from the differences.
                    if (l2sq < 0.25 * (na + normsB[j]))
                        l2sq = Reduce.Run<L2SquaredOperator>(x, b[j]);
                    row[j] = (float)(root ? Math.Sqrt(l2sq) : l2sq);
                }
                return;
            }
        }
    }

    /// <summary>One row of dot products to <typeparamref name="TMetric"/>'s scores, by the one shared dot-to-score step.</summary>
    static void FinishRow<TMetric>(Span<float> row, double na, double[] normsB) where TMetric : struct, IMetricKernel
    {
        for (int j = 0; j < row.Length; j++)
            row[j] = (float)TMetric.FromDot(row[j], na, normsB[j]);
    }
}
