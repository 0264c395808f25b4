using Simil.Kernels;

namespace Simil.Search;

/// <summary>
/// Many queries at once: blocks of queries × blocks of corpus rows go through the packed AVX-512
/// matrix kernel (<see cref="DotGemm"/>); each score is derived from the dot product in float64
/// (l2sq as <c>‖q‖² + ‖c‖² − 2q·c</c>, clamped at 0; cosine over the norms) and fed to a per-query
/// top-k. The derived scores can differ from the one-to-one kernel's by a bounded error ε, so
/// every row within 2ε of the k-th best is kept as a candidate, rescored with the one-to-one
/// kernel, and the top k chosen from those exact scores: reported scores are bit for bit what
/// <see cref="Similarity.Compute(Metric, ReadOnlySpan{float}, ReadOnlySpan{float})"/> gives and
/// the neighbours are the true top k, near-duplicates and ties included.
/// </summary>
static class BatchSearch
{
    const int QueryBlock = 1024;
    const int CorpusBlock = 4096;

    /// <summary>
    /// The bound on |derived − exact| relative to ‖q‖·max‖c‖ (dot family) or absolute (cosine):
    /// both the matrix kernel and the one-to-one kernel are within 1e-6·Σ|qᵢcᵢ| of the truth; four
    /// times that covers the l2sq expansion and the float32 roundings, with room to spare.
    /// </summary>
    const double RelativeError = 8e-6;

    public static Neighbor[][] Run(FlatIndex index, EmbeddingMatrix queries, int k)
    {
        var corpus = index.Corpus;
        var metric = index.Metric;
        bool higher = metric.HigherIsCloser();
        int dims = corpus.Dimensions, rows = corpus.Count;
        var corpusNorms = new double[rows];
        Parallel.For(0, rows, i => corpusNorms[i] = Similarity.Dot(corpus[i], corpus[i]));
        double maxNorm = Math.Sqrt(corpusNorms.Max());

        var results = new Neighbor[queries.Count][];
        var scratch = GC.AllocateUninitializedArray<float>(QueryBlock * CorpusBlock);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        for (int q0 = 0; q0 < queries.Count; q0 += QueryBlock)
        {
            int qn = Math.Min(QueryBlock, queries.Count - q0);
            var queryData = queries.Data.Slice(q0 * dims, qn * dims);
            var states = new State[qn];
            for (int q = 0; q < qn; q++)
            {
                double norm = Similarity.Dot(queries[q0 + q], queries[q0 + q]);
                double length = Math.Sqrt(norm);
                double epsilon = metric switch
                {
                    Metric.Cosine or Metric.CosineDistance => RelativeError,
                    // l2sq's own rounding is relative to l2sq ≤ (‖q‖ + ‖c‖)²; l2 = √l2sq moves less.
                    Metric.L2Squared => RelativeError * (length + maxNorm) * (length + maxNorm),
                    Metric.L2 => RelativeError * (length + maxNorm),
                    _ => RelativeError * length * maxNorm,
                };
                states[q] = new State(k, higher, norm, epsilon);
            }
            for (int c0 = 0; c0 < rows; c0 += CorpusBlock)
            {
                int cn = Math.Min(CorpusBlock, rows - c0);
                DotGemm.Run(queryData, qn, corpus.Data.Slice(c0 * dims, cn * dims), cn, dims, scratch.AsSpan(0, qn * cn));
                Parallel.For(0, qn, options, q => states[q].OfferBlock(metric, scratch.AsSpan(q * cn, cn), corpusNorms.AsSpan(c0, cn), c0));
            }
            Parallel.For(0, qn, options, q => results[q0 + q] = states[q].Finish(metric, queries[q0 + q], corpus));
        }
        return results;
    }

    static float Derive(Metric metric, float dot, double queryNorm, double rowNorm) => metric switch
    {
        Metric.Dot => dot,
        Metric.NegativeDot => -dot,
        Metric.Cosine => (float)CosineKernel.FromSums(dot, queryNorm, rowNorm),
        Metric.CosineDistance => (float)(1 - CosineKernel.FromSums(dot, queryNorm, rowNorm)),
        Metric.L2 => (float)Math.Sqrt(Math.Max(0, queryNorm + rowNorm - 2.0 * dot)),
        _ => (float)Math.Max(0, queryNorm + rowNorm - 2.0 * dot),
    };

    /// <summary>
    /// A cheap bound first: once the heap is full, a row whose raw dot product cannot reach within
    /// 2ε of the k-th best is skipped without deriving its score (dot, neg-dot, l2sq, l2: the same
    /// arithmetic as the derived score, without its rounding to float32; cosine is always derived).
    /// </summary>
    static bool Skippable(Metric metric, float dot, double cut, double queryNorm, double rowNorm) => metric switch
    {
        Metric.Dot => dot < cut,
        Metric.NegativeDot => -dot > cut,
        Metric.L2Squared => queryNorm + rowNorm - 2.0 * dot > cut,
        Metric.L2 => cut >= 0 && queryNorm + rowNorm - 2.0 * dot > cut * cut,
        _ => false,
    };

    /// <summary>One query's top k by derived score, and the rows close enough to the k-th to need an exact score.</summary>
    sealed class State(int k, bool higher, double norm, double epsilon)
    {
        readonly TopK _top = new(k, higher);
        readonly List<(float Score, int Row)> _candidates = [];
        public double Norm { get; } = norm;

        public void Offer(float score, int row)
        {
            // A row within 2ε of the current k-th best might still belong to the exact top k.
            if (_top.Count < k || _top.WithinMargin(score, 2 * epsilon))
            {
                _candidates.Add((score, row));
                _top.Add(score, row);
            }
        }

        /// <summary>Offers one block of dot products (row j of the block is corpus row first + j).</summary>
        public void OfferBlock(Metric metric, ReadOnlySpan<float> dots, ReadOnlySpan<double> rowNorms, int first)
        {
            for (int j = 0; j < dots.Length; j++)
            {
                // The bar a candidate must reach: the k-th best widened by 2ε (only once the heap is full).
                if (_top.Count == k && Skippable(metric, dots[j], higher ? _top.WorstScore - 2 * epsilon : _top.WorstScore + 2 * epsilon, Norm, rowNorms[j]))
                    continue;
                Offer(Derive(metric, dots[j], Norm, rowNorms[j]), first + j);
            }
        }

        public Neighbor[] Finish(Metric metric, ReadOnlySpan<float> query, EmbeddingMatrix corpus)
        {
            var exact = new TopK(k, higher);
            double threshold = _top.WorstScore;
            foreach (var (score, row) in _candidates)
                if (_top.Count < k || Math.Abs(score - threshold) <= 2 * epsilon || (higher ? score >= threshold : score <= threshold))
                    exact.Add(Similarity.Compute(metric, corpus[row], query), row);
            return exact.ToSortedArray();
        }
    }
}
