using Simil.Indexes;
using Simil.Search;
using Simil.Search.Compressed;
using Simil.Search.Hnsw;

namespace Simil;

/// <summary>The settings of an HNSW graph.</summary>
public sealed class HnswOptions
{
    /// <summary>Links per node on the upper levels; level 0 has 2M. At least 2.</summary>
    public int M { get; init; } = 16;

    /// <summary>The candidate list's size while building: larger builds slower and finds better links.</summary>
    public int EfConstruction { get; init; } = 128;

    /// <summary>The seed of the level draws: the same seed, rows and settings give the same graph.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Store the rows as codes of a lower precision and search by them (the graph is built on the
    /// float32 rows); null or float32 for none. See <see cref="IndexCompression"/>.
    /// </summary>
    public IndexCompression? Compression { get; init; }
}

/// <summary>
/// Approximate k-nearest-neighbour search over a Hierarchical Navigable Small World graph (Malkov
/// and Yashunin, 2016/2018), for dot, cosine, l2sq and l2 (and their relatives cosine distance and
/// neg-dot). The graph only proposes candidates: the <c>ef</c> it finds are scored with the
/// one-to-one kernels, and the best k of those scores are returned, best first, ties to the lower
/// row, as <see cref="FlatIndex"/> does. The dot product is searched as maximum inner product on a
/// graph built with the inner product (ip-NSW; see <c>docs/ARCHITECTURE.md</c>).
/// </summary>
public sealed class HnswIndex : VectorIndex
{
    /// <summary>The <c>ef</c> of <see cref="Search(ReadOnlySpan{float}, int)"/>: at least k.</summary>
    public const int DefaultEf = 64;

    readonly EmbeddingMatrix _corpus;
    readonly Metric _metric;
    readonly HnswGraph _graph;
    readonly int _efConstruction;
    readonly int _seed;
    readonly FlatIndex _exact;

    HnswIndex(EmbeddingMatrix corpus, Metric metric, HnswGraph graph, int efConstruction, int seed)
    {
        _corpus = corpus;
        _metric = metric;
        _graph = graph;
        _efConstruction = efConstruction;
        _seed = seed;
        _exact = new FlatIndex(corpus, metric);
    }

    /// <inheritdoc/>
    public override Metric Metric => _metric;

    /// <inheritdoc/>
    public override EmbeddingMatrix Corpus => _corpus;

    /// <summary>The graph's settings.</summary>
    public HnswSettings Settings => new(_graph.M, _graph.M0, _efConstruction, _seed, Math.Max(0, _graph.Entry), Math.Max(0, _graph.TopLevel));

    static void CheckMetric(Metric metric)
    {
        if (metric == Metric.L1)
            Throw.Argument(nameof(metric), "an HNSW index ranks by dot, cosine, l2sq or l2 (or cosine-distance, neg-dot); l1 has no graph here: use a flat index");
        _ = metric.Name();
    }

    /// <summary>Builds a graph over <paramref name="corpus"/> (float64 rows are narrowed to float32 once) on every core.</summary>
    /// <exception cref="ArgumentException">The metric is l1, or the options are out of range.</exception>
    public static HnswIndex Build(EmbeddingMatrix corpus, Metric metric, HnswOptions? options = null) =>
        Build(corpus, metric, options, CancellationToken.None);

    /// <summary>As <see cref="Build(EmbeddingMatrix, Metric, HnswOptions?)"/>, cancellable.</summary>
    public static HnswIndex Build(EmbeddingMatrix corpus, Metric metric, HnswOptions? options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        CheckMetric(metric);
        options ??= new HnswOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.M, 2, nameof(options.M));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.M, 1024, nameof(options.M));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EfConstruction, 1, nameof(options.EfConstruction));
        if (corpus.IsFloat64)
            corpus = corpus.ToFloat32();
        var levels = new int[corpus.Count];
        for (int i = 0; i < levels.Length; i++)
            levels[i] = HnswBuilder.DrawLevel(options.Seed, i, options.M);
        var graph = new HnswGraph(options.M, corpus.Count, levels);
        var norms = ComputeNorms(corpus);
        Link(graph, corpus, metric, norms, 0, options.EfConstruction, options.Seed, token);
        var index = new HnswIndex(corpus, metric, graph, options.EfConstruction, options.Seed);
        index.UseNorms(norms);
        index.Compress(options.Compression);
        return index;
    }

    static unsafe void Link(HnswGraph graph, EmbeddingMatrix corpus, Metric metric, float[] norms, int from, int ef, int seed, CancellationToken token)
    {
        fixed (float* n = norms)
        {
            switch (metric)
            {
                case Metric.Dot or Metric.NegativeDot:
                    HnswBuilder.Insert(graph, new DotSpace(corpus.Rows), from, ef, seed, token);
                    break;
                case Metric.Cosine or Metric.CosineDistance:
                    HnswBuilder.Insert(graph, new CosineSpace(corpus.Rows, n), from, ef, seed, token);
                    break;
                default:
                    HnswBuilder.Insert(graph, new L2Space(corpus.Rows), from, ef, seed, token);
                    break;
            }
        }
    }

    /// <summary>An index over a mapped file's rows and graph.</summary>
    internal static HnswIndex FromFile(EmbeddingMatrix corpus, IndexFile file)
    {
        var settings = file.Info.Graph!;
        var (pointer, length) = file.Section(IndexFormat.Graph);
        var graph = HnswGraph.Map(pointer, length, corpus.Count, settings);
        CheckMetric(file.Info.Metric);
        return new HnswIndex(corpus, file.Info.Metric, graph, settings.EfConstruction, settings.Seed);
    }

    /// <summary>The <paramref name="k"/> best rows the graph finds with <c>ef</c> = max(<see cref="DefaultEf"/>, k).</summary>
    public override Neighbor[] Search(ReadOnlySpan<float> query, int k) => Search(query, k, Math.Max(DefaultEf, k));

    /// <summary>
    /// The <paramref name="k"/> best of the <paramref name="ef"/> rows the graph proposes, scored
    /// with the one-to-one kernel, best first. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The query's length differs from the dimensions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is negative, or ef is below k.</exception>
    public Neighbor[] Search(ReadOnlySpan<float> query, int k, int ef) => Search(query, k, ef, Oversample);

    /// <summary>
    /// As <see cref="Search(ReadOnlySpan{float}, int, int)"/>; a compressed index walks the graph by
    /// its codes, keeps the best <c>k × <paramref name="oversample"/></c> nodes it met (ef is raised to
    /// that many when lower) and returns the best k of them by their float32 scores.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ef"/> is below k, or <paramref name="oversample"/> below 1.</exception>
    public Neighbor[] Search(ReadOnlySpan<float> query, int k, int ef, int oversample) => Search(query, k, ef, oversample, null);

    unsafe Neighbor[] Search(ReadOnlySpan<float> query, int k, int ef, int oversample, IRowFilter? filter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(oversample, 1);
        if (ef < k)
            Throw.ArgumentOutOfRange(nameof(ef), $"ef ({ef}) must be at least k ({k})");
        if (Count > 0 && query.Length != Dimensions)
            Throw.LengthMismatch(query.Length, Dimensions);
        k = Math.Min(k, Count);
        if (k == 0)
            return [];
        if (Codes is { } codes)
        {
            int wanted = (int)Math.Min(Count, (long)k * oversample);
            Candidate[] met;
            fixed (float* norms = Norms)
                met = Find(new CompressedSearch.GraphTarget(CodeScorer.Create(codes, _metric, query, norms)), Math.Max(ef, wanted), filter);
            Array.Sort(met, static (a, b) => Candidate.Less(a, b) ? -1 : Candidate.Less(b, a) ? 1 : 0);
            var candidates = new int[Math.Min(wanted, met.Length)];
            for (int i = 0; i < candidates.Length; i++)
                candidates[i] = met[i].Node;
            return Rescore(candidates, query, k);
        }
        var q = query.ToArray();
        Candidate[] found;
        fixed (float* n = Norms)
        {
            found = _metric switch
            {
                Metric.Dot or Metric.NegativeDot => Find(new DotSpace(_corpus.Rows), q, ef, filter),
                Metric.Cosine or Metric.CosineDistance => Find(new CosineSpace(_corpus.Rows, n), q, ef, filter),
                _ => Find(new L2Space(_corpus.Rows), q, ef, filter),
            };
        }
        var scorer = QueryScorer.Create(_metric, q);
        var top = new TopK(k, _metric.HigherIsCloser());
        foreach (var c in found)
            top.Add(scorer.Score(_corpus.Rows.Row<float>(c.Node)), c.Node);
        return top.ToSortedArray();
    }

    Candidate[] Find<TSpace>(TSpace space, float[] query, int ef, IRowFilter? filter) where TSpace : struct, IHnswSpace =>
        Find(new HnswSearch.QueryTarget<TSpace>(space, query), ef, filter);

    Candidate[] Find<TTarget>(TTarget target, int ef, IRowFilter? filter) where TTarget : struct, HnswSearch.ITarget
    {
        int entry = _graph.Entry;
        var current = new Candidate(target.To(entry), entry);
        // The upper levels only find a way in: every node may be stepped on.
        for (int level = _graph.TopLevel; level > 0; level--)
            current = HnswSearch.Greedy(_graph, target, current, level);
        return filter is null
            ? HnswSearch.Layer(_graph, target, [current], ef, 0, _graph.Count, sorted: false)
            : HnswSearch.Layer(_graph, target, [current], ef, 0, _graph.Count, new HnswSearch.AllowedBy(filter), sorted: false);
    }

    /// <summary>Exact search over the same rows, ignoring the graph (what <c>--exact</c> does).</summary>
    public Neighbor[] SearchExact(ReadOnlySpan<float> query, int k) => _exact.Search(query, k);

    /// <inheritdoc/>
    private protected override Neighbor[] SearchChecked(ReadOnlySpan<float> query, SearchOptions options)
    {
        int ef = options.Ef ?? Math.Max(DefaultEf, options.K), oversample = options.Oversample ?? Oversample;
        if (options.Filter is not { } filter)
            return options.Exact ? SearchExact(query, options.K) : Search(query, options.K, ef, oversample);
        if (options.Exact)
            return ScanAllowed(query, options.K, filter);
        var found = Search(query, options.K, ef, oversample, filter);
        // The walk reaches every node it can; one the graph cannot reach (or a filter that keeps a
        // few rows far apart) may leave it short: then the allowed rows are scanned, so a search
        // never returns fewer than k rows while k rows are allowed.
        return found.Length < Math.Min(options.K, Count) ? ScanAllowed(query, options.K, filter) : found;
    }

    /// <summary>
    /// A new index over these rows followed by <paramref name="more"/>: the graph is copied and
    /// extended (the new rows inserted as a build inserts them), deterministic for the seed.
    /// </summary>
    public override HnswIndex Append(EmbeddingMatrix more, CancellationToken token = default)
    {
        var corpus = Appending.Concat(_corpus, more);
        var levels = new int[corpus.Count];
        for (int i = 0; i < levels.Length; i++)
            levels[i] = i < Count ? _graph.Level(i) : HnswBuilder.DrawLevel(_seed, i, _graph.M);
        var graph = _graph.Grow(levels);
        var norms = NormsWith(more);
        Link(graph, corpus, _metric, norms, Count, _efConstruction, _seed, token);
        var index = new HnswIndex(corpus, _metric, graph, _efConstruction, _seed) { Model = Model, DocumentPrompt = DocumentPrompt };
        index.UseNorms(norms);
        CompressAppended(index, more);
        return index;
    }

    /// <inheritdoc/>
    public override void Save(string path) =>
        Write(path, "hnsw", Settings, new IndexSection(IndexFormat.Graph, _graph.SectionBytes, _graph.Write));

    private protected override void CheckGraph(string file) => _graph.Check(file);
}
