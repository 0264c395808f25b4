using System.Runtime.Intrinsics;
using Simil.Kernels;

namespace Simil.Search;

/// <summary>
/// Many queries at once: blocks of queries × blocks of corpus rows go through the packed AVX-512
/// matrix kernel (<see cref="DotGemm"/>), one block of 256 queries per worker, 512 corpus rows at a
/// time, each tile of dot products offered while it is still in L2; each score is derived from the dot product in float64
/// (l2sq as <c>‖q‖² + ‖c‖² − 2q·c</c>, clamped at 0; cosine over the norms) and fed to a per-query
/// top-k. A derived score differs from the one-to-one kernel's by at most a proven ε, so every row
/// within 2ε of the k-th best is kept as a candidate, rescored with the one-to-one kernel, and the
/// top k chosen from those exact scores: reported scores are bit for bit what
/// <see cref="Similarity.Compute(Metric, ReadOnlySpan{float}, ReadOnlySpan{float})"/> gives and the
/// neighbours are the true top k, near-duplicates and ties included. The argument, bound by bound,
/// is in docs/ARCHITECTURE.md ("Why the batch path is exact").
/// </summary>
static class BatchSearch
{
    /// <summary>At most this many queries share one pass over the corpus (their states and packed rows are held at once).</summary>
    const int QueryBlock = 8192;
    const int CorpusBlock = 4096;
    /// <summary>Corpus panels per tile of dot products: 16 × 32 rows, so that a 256 × 512 tile (512 KB) stays in L2.</summary>
    const int TilePanels = 16;
    const int TileColumns = TilePanels * DotGemm.NR;

    /// <summary>
    /// ε relative to <c>‖q‖·max‖c‖</c> (dot, neg-dot), to <c>(‖q‖ + max‖c‖)²</c> (l2sq, and l2 ranked in
    /// l2sq's units) or absolute (cosine, cosine distance). The worst cases add up to 8.9e-6, 9.2e-6
    /// and 1.33e-5: the matrix kernel's float32 chains of 128 FMAs (γ₁₂₈ = 7.63e-6), the one-to-one
    /// kernels' chains of at most 19 (dot, l2sq: γ₁₉ = 1.13e-6) or 34 (cosine: γ₃₄ = 2.03e-6) roundings,
    /// and a few float32 roundings (2⁻²⁴ each).
    /// </summary>
    const double RelativeError = 2e-5;

    /// <summary>
    /// Squared norms outside [<see cref="TinyNorm"/>, <see cref="HugeNorm"/>] (for the dot family, only
    /// above <see cref="HugeNorm"/>), and NaN, make a row or query irregular: the bounds above assume no
    /// float32 overflow and, for cosine, no underflow that dominates a norm. Irregular rows are always
    /// rescored; an irregular query takes the one-query path.
    /// </summary>
    static readonly double HugeNorm = Math.ScaleB(1, 60);
    static readonly double TinyNorm = Math.ScaleB(1, -60);

    /// <summary>How many batches this thread has sent through the packed kernel (tests check that it ran).</summary>
    [ThreadStatic]
    static long t_runs;

    public static long RunsOnThisThread => t_runs;

    public static Neighbor[][] Run(FlatIndex index, EmbeddingMatrix queries, int k)
    {
        t_runs++;
        var corpus = index.Corpus;
        var metric = index.Metric;
        // l2 = √l2sq ranks exactly as l2sq does, but √ is not Lipschitz at 0: an error bound in l2's
        // units does not exist near duplicates. So l2 is ranked in l2sq's units and rescored as l2.
        var ranking = metric == Metric.L2 ? Metric.L2Squared : metric;
        bool cosine = ranking is Metric.Cosine or Metric.CosineDistance;
        bool higher = metric.HigherIsCloser();
        int dims = corpus.Dimensions, rows = corpus.Count;

        // Irregular rows get NaN as their norm: the block loop passes them by, and Finish rescores them all.
        var corpusNorms = new double[rows];
        Parallel.For(0, rows, i =>
        {
            double norm = Similarity.Dot(corpus[i], corpus[i]);
            corpusNorms[i] = Regular(norm, cosine) ? norm : double.NaN;
        });
        int[] irregular = [.. Enumerable.Range(0, rows).Where(i => double.IsNaN(corpusNorms[i]))];
        // For the vector pre-filter, in float32: the norms (l2sq) or the inverse lengths (cosine). NaN stays NaN: passed by.
        var corpusNormsF = new float[rows];
        for (int i = 0; i < rows; i++)
            corpusNormsF[i] = cosine ? (float)(1 / Math.Sqrt(corpusNorms[i])) : (float)corpusNorms[i];
        double maxNorm = 0;
        foreach (double norm in corpusNorms)
            if (norm > maxNorm)
                maxNorm = norm;
        // The largest length, from a norm that may be low by 1.2e-6 relative: widened to be safe.
        double maxLength = Math.Sqrt(maxNorm) * (1 + 1e-5);
        // Float32 roundings in the subnormal range are off by up to 2⁻¹⁵⁰ each, whatever the scale.
        double absolute = (dims + 64) * Math.ScaleB(1, -140);

        var results = new Neighbor[queries.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        // Each 4,096-row corpus block is packed for the matrix kernel once per search, not once per
        // block of queries, while the packed copy fits the memory budget; past it, once per use.
        int corpusBlocks = (rows + CorpusBlock - 1) / CorpusBlock;
        bool keepPacked = queries.Count > QueryBlock && DotGemm.PackedRows.Bytes(rows, dims) <= PackedBudget();
        // Query blocks of equal size (whole blocks of 256), so that the last one leaves no core idle.
        int passes = (queries.Count + QueryBlock - 1) / QueryBlock;
        int queryBlock = ((queries.Count + passes - 1) / passes + DotGemm.MC - 1) / DotGemm.MC * DotGemm.MC;
        var packed = new DotGemm.PackedRows?[corpusBlocks];
        try
        {
            Search(index, queries, k, queryBlock, ranking, cosine, higher, corpusNorms, corpusNormsF, maxNorm, irregular, maxLength, absolute, results, options, packed, keepPacked);
        }
        finally
        {
            foreach (var block in packed)
                block?.Dispose();
        }
        return results;
    }

    /// <summary>A quarter of the memory this process may use, at most 1 GiB, for the corpus packed once per search.</summary>
    static long PackedBudget() => Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    static unsafe void Search(FlatIndex index, EmbeddingMatrix queries, int k, int queryBlock, Metric ranking, bool cosine, bool higher, double[] corpusNorms,
        float[] corpusNormsF, double maxNorm, int[] irregular, double maxLength, double absolute, Neighbor[][] results, ParallelOptions options,
        DotGemm.PackedRows?[] packed, bool keepPacked)
    {
        var corpus = index.Corpus;
        var metric = index.Metric;
        int dims = corpus.Dimensions, rows = corpus.Count;
        int blockFloats = DotGemm.PackedBlockFloats(dims);
        var packedQueries = GC.AllocateUninitializedArray<float>((Math.Min(queryBlock, queries.Count) + DotGemm.MC - 1) / DotGemm.MC * blockFloats, pinned: true);
        for (int q0 = 0; q0 < queries.Count; q0 += queryBlock)
        {
            int qn = Math.Min(queryBlock, queries.Count - q0);
            int queryBlocks = (qn + DotGemm.MC - 1) / DotGemm.MC;
            var states = new State?[qn];
            for (int q = 0; q < qn; q++)
            {
                double norm = Similarity.Dot(queries[q0 + q], queries[q0 + q]);
                if (!Regular(norm, cosine))
                    continue;   // answered by the one-query path below
                double length = Math.Sqrt(norm);
                double epsilon = ranking switch
                {
                    Metric.Cosine or Metric.CosineDistance => RelativeError + (dims + 64) * Math.ScaleB(1, -80),
                    Metric.L2Squared => RelativeError * (length + maxLength) * (length + maxLength) + absolute,
                    _ => RelativeError * length * maxLength + absolute,
                };
                states[q] = new State(k, higher, norm, epsilon, metric, corpus, queries, q0 + q, maxNorm);
            }
            fixed (float* pq = packedQueries)
            {
                float* queryPanels = pq;
                Parallel.For(0, queryBlocks, options, b =>
                {
                    int first = q0 + b * DotGemm.MC;
                    fixed (float* source = queries.Data.Slice(first * dims))
                        DotGemm.PackA(source, Math.Min(DotGemm.MC, q0 + qn - first), dims, new Span<float>(queryPanels + (long)b * blockFloats, blockFloats));
                });
                for (int c0 = 0; c0 < rows; c0 += CorpusBlock)
                {
                    int cn = Math.Min(CorpusBlock, rows - c0), block = c0 / CorpusBlock;
                    var corpusBlock = packed[block] ??= DotGemm.PackedRows.Pack(corpus.Rows.Range<float>(c0, cn), cn, dims);
                    Parallel.For(0, queryBlocks, options, b =>
                        OfferTiles(states.AsSpan(b * DotGemm.MC, Math.Min(DotGemm.MC, qn - b * DotGemm.MC)), queryPanels + (long)b * blockFloats,
                            corpusBlock, c0, ranking, corpusNorms, corpusNormsF));
                    if (!keepPacked)
                    {
                        corpusBlock.Dispose();
                        packed[block] = null;
                    }
                }
            }
            Parallel.For(0, qn, options, q => results[q0 + q] = states[q] is { } state
                ? state.Finish(irregular)
                : index.Search(queries[q0 + q], k));
        }
    }

    [ThreadStatic]
    static float[]? t_tile;

    /// <summary>
    /// One worker's share: its block of (at most 256) packed queries against one packed corpus block,
    /// 512 rows at a time; each tile of dot products is offered to the queries' states while it is in L2.
    /// </summary>
    static unsafe void OfferTiles(Span<State?> states, float* queryPanels, DotGemm.PackedRows corpusBlock, int c0, Metric ranking,
        double[] corpusNorms, float[] corpusNormsF)
    {
        var tile = t_tile ??= GC.AllocateUninitializedArray<float>(DotGemm.MC * TileColumns, pinned: true);
        fixed (float* pt = tile)
        {
            for (int p = 0; p < corpusBlock.Panels; p += TilePanels)
            {
                int panels = Math.Min(TilePanels, corpusBlock.Panels - p);
                int first = p * DotGemm.NR, columns = Math.Min(panels * DotGemm.NR, corpusBlock.Rows - first);
                DotGemm.MultiplyBlock(queryPanels, states.Length, corpusBlock, p, panels, pt, TileColumns);
                for (int q = 0; q < states.Length; q++)
                    states[q]?.OfferBlock(ranking, tile.AsSpan(q * TileColumns, columns), corpusNorms.AsSpan(c0 + first, columns),
                        corpusNormsF.AsSpan(c0 + first, columns), c0 + first);
            }
        }
    }

    /// <summary>Whether a squared norm is inside the range where the error bounds hold (false for NaN).</summary>
    static bool Regular(double norm, bool cosine) => norm <= HugeNorm && (!cosine || norm >= TinyNorm);

    /// <summary>
    /// One query's top k by derived score, and the rows close enough to the k-th to need an exact
    /// score. The candidate list is bounded: when it fills, the rows that fell out of the margin are
    /// dropped, and if most remain (many ties), they are rescored now into the exact top k.
    /// </summary>
    sealed class State(int k, bool higher, double norm, double epsilon, Metric metric, EmbeddingMatrix corpus, EmbeddingMatrix queries, int queryRow, double maxNorm)
    {
        readonly TopK _top = new(k, higher);
        readonly TopK _exact = new(k, higher);
        readonly List<(float Score, int Row)> _candidates = [];
        readonly int _bound = Math.Max(4 * k, 4_096);

        void Offer(float score, int row)
        {
            // A row within 2ε of the current k-th best might still belong to the exact top k.
            if (_top.Count < k || _top.WithinMargin(score, 2 * epsilon))
            {
                _candidates.Add((score, row));
                _top.Add(score, row);
                if (_candidates.Count >= _bound)
                    Compact();
            }
        }

        /// <summary>
        /// Drops candidates no longer within 2ε of the k-th best (it only gets better); if half the
        /// bound remains, rescores them all. Rescoring more rows than needed only widens the set the
        /// exact top k is taken from, which is always safe.
        /// </summary>
        void Compact()
        {
            if (_top.Count == k)
                _candidates.RemoveAll(c => !_top.WithinMargin(c.Score, 2 * epsilon));
            if (_candidates.Count >= _bound / 2)
            {
                var query = queries[queryRow];
                foreach (var (_, row) in _candidates)
                    _exact.Add(Similarity.Compute(metric, corpus[row], query), row);
                _candidates.Clear();
            }
        }

        /// <summary>Offers one block of dot products (row j of the block is corpus row first + j; NaN norm: irregular, passed by).</summary>
        public void OfferBlock(Metric ranking, ReadOnlySpan<float> dots, ReadOnlySpan<double> rowNorms, ReadOnlySpan<float> rowNormsF, int first)
        {
            // Once the heap is full, most rows of a block cannot enter it: a vector pass keeps only
            // the lanes that might, and only those take the exact float64 path.
            bool filter = _top.Count == k && KernelDispatch.Active is KernelPath.Vector256 or KernelPath.Vector512;
            // The metric is chosen once per block; the loop over its rows is specialised for it.
            switch (ranking)
            {
                case Metric.Dot: OfferBlock<MetricKernels.Dot>(ranking, filter, dots, rowNorms, rowNormsF, first); break;
                case Metric.NegativeDot: OfferBlock<MetricKernels.NegativeDot>(ranking, filter, dots, rowNorms, rowNormsF, first); break;
                case Metric.Cosine: OfferBlock<MetricKernels.Cosine>(ranking, filter, dots, rowNorms, rowNormsF, first); break;
                case Metric.CosineDistance: OfferBlock<MetricKernels.CosineDistance>(ranking, filter, dots, rowNorms, rowNormsF, first); break;
                default: OfferBlock<MetricKernels.L2Squared>(ranking, filter, dots, rowNorms, rowNormsF, first); break;
            }
        }

        void OfferBlock<TRank>(Metric ranking, bool filter, ReadOnlySpan<float> dots, ReadOnlySpan<double> rowNorms, ReadOnlySpan<float> rowNormsF, int first)
            where TRank : struct, IMetricKernel
        {
            if (filter)
            {
                PreFiltered<TRank>(ranking, dots, rowNorms, rowNormsF, first);
                return;
            }
            for (int j = 0; j < dots.Length; j++)
                OfferRow<TRank>(dots[j], rowNorms[j], first + j);
        }

        /// <summary>
        /// A conservative float32 pre-filter, eight lanes at a time: a row is passed by only when it
        /// certainly scores worse than the k-th best widened by 2ε. dot: keep dot ≥ T rounded down to
        /// a float (exact: the dot is a float). neg-dot: the same with T = −(worst + 2ε). cosine (and
        /// cosine distance, T = 1 − worst − 2ε): keep dot/‖x‖ ≥ T‖q‖ less a slack. l2sq: keep
        /// ‖x‖² − 2·dot ≤ worst + 2ε − ‖q‖² plus a slack of 2⁻²⁰ × the magnitudes involved (the float32
        /// roundings of the norm, the product and the bound are each under 2⁻²⁴ of them). The
        /// threshold is read once per block; it only tightens, so a stale one keeps more, never fewer.
        /// Survivors go through the exact float64 path unchanged.
        /// </summary>
        void PreFiltered<TRank>(Metric ranking, ReadOnlySpan<float> dots, ReadOnlySpan<double> rowNorms, ReadOnlySpan<float> rowNormsF, int first)
            where TRank : struct, IMetricKernel
        {
            double worst = _top.WorstScore;
            bool l2 = ranking == Metric.L2Squared;
            bool cos = ranking is Metric.Cosine or Metric.CosineDistance;
            double limit = ranking switch
            {
                Metric.Dot => worst - 2 * epsilon,
                Metric.NegativeDot => -(worst + 2 * epsilon),
                Metric.Cosine => worst - 2 * epsilon,
                Metric.CosineDistance => 1 - (worst + 2 * epsilon),
                _ => worst + 2 * epsilon - norm,
            };
            float bound;
            if (cos)
            {
                // cos ≥ T ⟺ dot · (1/‖x‖) ≥ T · ‖q‖; the float32 product and inverse length are within
                // 3u of |dot/‖x‖| ≤ ‖q‖, so 2⁻²⁰ · ‖q‖ · (1 + |T|) more keeps every row that may pass.
                double length = Math.Sqrt(norm);
                double target = limit * length - Math.ScaleB(length * (1 + Math.Abs(limit)), -20);
                bound = (float)target;
                if (bound > target)
                    bound = MathF.BitDecrement(bound);
            }
            else if (l2)
            {
                double slack = Math.ScaleB(maxNorm + 2 * Math.Sqrt(norm * maxNorm) + Math.Abs(limit), -20);
                bound = (float)(limit + slack);
                if (bound < limit + slack)
                    bound = MathF.BitIncrement(bound);
            }
            else
            {
                bound = (float)limit;
                if (bound > limit)
                    bound = MathF.BitDecrement(bound);
            }
            int j = 0;
            var bounds = Vector256.Create(bound);
            var two = Vector256.Create(2f);
            for (; j + 8 <= dots.Length; j += 8)
            {
                var d = Vector256.Create(dots.Slice(j, 8));
                uint keep = l2
                    ? Vector256.LessThanOrEqual(Vector256.Create(rowNormsF.Slice(j, 8)) - two * d, bounds).ExtractMostSignificantBits()
                    : cos
                        ? Vector256.GreaterThanOrEqual(d * Vector256.Create(rowNormsF.Slice(j, 8)), bounds).ExtractMostSignificantBits()
                        : Vector256.GreaterThanOrEqual(d, bounds).ExtractMostSignificantBits();
                while (keep != 0)
                {
                    int lane = System.Numerics.BitOperations.TrailingZeroCount(keep);
                    keep &= keep - 1;
                    OfferRow<TRank>(dots[j + lane], rowNorms[j + lane], first + j + lane);
                }
            }
            for (; j < dots.Length; j++)
                OfferRow<TRank>(dots[j], rowNorms[j], first + j);
        }

        /// <summary>
        /// One row's score derived from its dot product in float64; once the heap is full, a row
        /// worse than the k-th best widened by 2ε is passed by before it touches the heap (the
        /// unrounded score obeys the same bound ε as the rounded one).
        /// </summary>
        void OfferRow<TRank>(float dot, double rowNorm, int row) where TRank : struct, IMetricKernel
        {
            if (double.IsNaN(rowNorm))
                return;
            double score = TRank.FromDot(dot, norm, rowNorm);
            if (_top.Count == k && (higher ? score < _top.WorstScore - 2 * epsilon : score > _top.WorstScore + 2 * epsilon))
                return;
            Offer((float)score, row);
        }

        /// <summary>The exact top k: candidates within 2ε of the final k-th best, and every irregular row, rescored one to one.</summary>
        public Neighbor[] Finish(int[] irregular)
        {
            var query = queries[queryRow];
            foreach (var (score, row) in _candidates)
                if (_top.Count < k || _top.WithinMargin(score, 2 * epsilon))
                    _exact.Add(Similarity.Compute(metric, corpus[row], query), row);
            foreach (int row in irregular)
                _exact.Add(Similarity.Compute(metric, corpus[row], query), row);
            return _exact.ToSortedArray();
        }
    }
}
