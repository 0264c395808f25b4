using Simil.Search;
using Simil.Search.Compressed;

namespace Simil;

/// <summary>
/// Exact k-nearest-neighbour search over an <see cref="EmbeddingMatrix"/>: every row is scored
/// with the one-to-one kernel, so every reported score is bit for bit what
/// <see cref="Similarity.Compute(Metric, ReadOnlySpan{float}, ReadOnlySpan{float})"/> gives, and
/// the neighbours are the true top-k of those scores (best first; equal scores in row order).
/// </summary>
/// <remarks>
/// One query streams the corpus once, keeping the top k on the fly (no score array), with the rows
/// split across cores for large corpora. A batch of queries runs its queries in parallel.
/// </remarks>
public sealed class FlatIndex : VectorIndex
{
    /// <summary>Below this many rows one core scans the whole corpus.</summary>
    const int ParallelRows = 16_384;

    readonly EmbeddingMatrix _corpus;
    readonly Metric _metric;

    /// <summary>Creates an index over <paramref name="corpus"/> (not copied) for <paramref name="metric"/>.</summary>
    public FlatIndex(EmbeddingMatrix corpus, Metric metric)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        _ = metric.Name();   // validates the metric
        _corpus = corpus;
        _metric = metric;
    }

    /// <summary>
    /// Creates an index over <paramref name="corpus"/> for <paramref name="metric"/> that searches
    /// by codes of <paramref name="compression"/>'s precision, then rescores the best
    /// <c>k × oversample</c> candidates in float32.
    /// </summary>
    public FlatIndex(EmbeddingMatrix corpus, Metric metric, IndexCompression? compression)
        : this(corpus, metric) => Compress(compression);

    /// <summary>The indexed rows.</summary>
    public override EmbeddingMatrix Corpus => _corpus;

    /// <summary>The metric that ranks neighbours.</summary>
    public override Metric Metric => _metric;

    /// <summary>Writes a <c>flat</c> index file (<c>docs/index-format.md</c>) atomically.</summary>
    public override void Save(string path) => Write(path, "flat", null, null);

    /// <inheritdoc/>
    private protected override Neighbor[] SearchChecked(ReadOnlySpan<float> query, SearchOptions options) =>
        options.Filter is { } filter ? ScanAllowed(query, options.K, filter) : Search(query, options.K, options.Oversample ?? Oversample);

    /// <summary>A new index over these rows followed by <paramref name="more"/> (same dimensions; keys on both or neither).</summary>
    public override FlatIndex Append(EmbeddingMatrix more, CancellationToken cancellationToken = default)
    {
        var appended = new FlatIndex(Appending.Concat(_corpus, more), _metric) { Model = Model, DocumentPrompt = DocumentPrompt };
        appended.UseNorms(NormsWith(more));
        CompressAppended(appended, more);
        return appended;
    }

    /// <summary>The <paramref name="k"/> best rows for <paramref name="query"/>, best first; all rows when k exceeds them.</summary>
    /// <exception cref="ArgumentException">The query's length differs from the corpus's dimensions.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public override Neighbor[] Search(ReadOnlySpan<float> query, int k) => Search(query, k, Oversample);

    /// <summary>
    /// As <see cref="Search(ReadOnlySpan{float}, int)"/>; a compressed index takes the best
    /// <c>k × <paramref name="oversample"/></c> rows by its codes and returns the best k of them by
    /// their float32 scores (ignored at float32: every row is scored exactly).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="oversample"/> is below 1.</exception>
    public unsafe Neighbor[] Search(ReadOnlySpan<float> query, int k, int oversample)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(oversample, 1);
        if (Count > 0 && query.Length != Dimensions)
            Throw.LengthMismatch(query.Length, Dimensions);
        k = Math.Min(k, Count);
        if (k == 0)
            return [];
        if (Codes is { } codes)
        {
            int[] candidates;
            fixed (float* norms = Norms)
                candidates = CompressedSearch.Scan(codes, _metric, query, (int)Math.Min(Count, (long)k * oversample), norms);
            return Rescore(candidates, query, k);
        }
        bool higher = _metric.HigherIsCloser();
        int rows = _corpus.Count;
        var scorer = QueryScorer.Create(_metric, query);
        if (rows < ParallelRows)
            return Scan(scorer, 0, rows, k, higher).ToSortedArray();

        int parts = Math.Min(Environment.ProcessorCount, rows / (ParallelRows / 2));
        var heaps = new TopK[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
        {
            int from = (int)((long)rows * p / parts), to = (int)((long)rows * (p + 1) / parts);
            heaps[p] = Scan(scorer, from, to, k, higher);
        });
        for (int p = 1; p < parts; p++)
            heaps[0].Merge(heaps[p]);
        return heaps[0].ToSortedArray();
    }

    /// <summary>The <paramref name="k"/> best rows for each row of <paramref name="queries"/>.</summary>
    /// <exception cref="ArgumentException">The queries' dimensions differ from the corpus's.</exception>
    public Neighbor[][] Search(EmbeddingMatrix queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (_corpus.Count > 0 && queries.Count > 0 && queries.Dimensions != _corpus.Dimensions)
            Throw.LengthMismatch(queries.Dimensions, _corpus.Dimensions);
        var results = new Neighbor[queries.Count][];
        int kk = Math.Min(k, _corpus.Count);
        bool higher = _metric.HigherIsCloser();
        if (Codes is not null)
        {
            Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                q => results[q] = Search(queries[q], kk));
            return results;
        }
        if (kk > 0 && queries.Count >= BatchQueries && _metric != Metric.L1 && !queries.IsFloat64 && !_corpus.IsFloat64 && Kernels.DotGemm.IsSupported)
            return BatchSearch.Run(this, queries, kk);
        Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            q => results[q] = kk == 0 ? [] : Scan(QueryScorer.Create(_metric, queries[q]), 0, _corpus.Count, kk, higher).ToSortedArray());
        return results;
    }

    /// <summary>From this many queries on, a batch goes through the packed matrix kernel.</summary>
    internal const int BatchQueries = 32;

    /// <summary>Rows from … to − 1 through the query's scorer (the metric chosen once, not per row) into a new top k.</summary>
    TopK Scan(QueryScorer scorer, int from, int to, int k, bool higher)
    {
        var top = new TopK(k, higher);
        scorer.Scan(_corpus, from, to, top);
        return top;
    }
}
