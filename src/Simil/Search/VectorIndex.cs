using Simil.Indexes;
using Simil.Kernels;
using Simil.Quantization;
using Simil.Search;
using Simil.Search.Compressed;
using Simil.Storage;

namespace Simil;

/// <summary>
/// A searchable collection of vectors: exact (<see cref="FlatIndex"/>) or a graph
/// (<see cref="HnswIndex"/>), in memory or mapped from an index file (<see cref="Open"/>;
/// <c>docs/index-format.md</c>). Disposing an index opened from a file releases the map.
/// </summary>
public abstract class VectorIndex : IDisposable
{
    IndexFile? _file;

    /// <summary>Rows.</summary>
    public int Count => Corpus.Count;

    /// <summary>Elements per row.</summary>
    public int Dimensions => Corpus.Dimensions;

    /// <summary>The measure that ranks neighbours.</summary>
    public abstract Metric Metric { get; }

    /// <summary>How the rows are stored for search: float32, or compressed (float16, bfloat16, int8, binary).</summary>
    public Precision Precision => Codes?.Precision ?? Precision.Float32;

    /// <summary>
    /// Whether float32 rows are kept: always at float32; for a compressed index when it was made
    /// with <see cref="IndexCompression.KeepFloat32"/> (<c>--rescore</c>), so that its candidates'
    /// scores are exact. Without them a compressed index scores its candidates on the decoded codes.
    /// </summary>
    public bool HasFloat32 => Codes is null || _keepsFloat32;

    /// <summary>The codes of a compressed index; null at float32.</summary>
    private protected CompressedVectors? Codes { get; private set; }

    bool _keepsFloat32;

    /// <summary>The codes, for benchmarks that time the first step alone.</summary>
    internal CompressedVectors? CodesForBenchmark => Codes;

    /// <summary>The rows' lengths, for benchmarks that time the first step alone.</summary>
    internal ReadOnlySpan<float> NormsForBenchmark => Norms;

    /// <summary>Makes this index search by codes of <paramref name="compression"/>'s precision (null or float32: by the float32 rows).</summary>
    private protected void Compress(IndexCompression? compression)
    {
        if (compression is null || compression.Precision == Precision.Float32)
            return;
        if (!CompressedVectors.Indexable(compression.Precision))
            Throw.Argument(nameof(compression), $"an index stores float32, float16, bfloat16, int8 or binary rows, not {compression.Precision.Name()} (uint8 and ubinary are int8 and binary plus 128: use those)");
        if (Metric is not (Metric.Dot or Metric.NegativeDot or Metric.Cosine or Metric.CosineDistance or Metric.L2Squared or Metric.L2))
            Throw.Argument(nameof(compression), $"a compressed index ranks by dot, cosine, l2sq or l2 (or cosine-distance, neg-dot), not {Metric.Name()}");
        var corpus = Corpus.IsFloat64 ? Corpus.ToFloat32() : Corpus;
        // Without float32 rows to keep, one pass makes the codes and the norms and lets each block
        // of rows go (a mapped file larger than memory then holds the codes, not the rows, resident).
        bool onePass = !compression.KeepFloat32 && _file is null && _norms is null;
        var norms = onePass ? GC.AllocateArray<float>(corpus.Count, pinned: true) : null;
        Codes = CompressedVectors.Encode(corpus, compression.Precision, compression.Ranges, norms, release: onePass);
        if (norms is not null)
            _norms = norms;
        _keepsFloat32 = compression.KeepFloat32;
    }

    /// <summary>Carries this index's codes (and whether it keeps float32 rows) over to <paramref name="appended"/>, with the codes of <paramref name="more"/> added.</summary>
    private protected void CompressAppended(VectorIndex appended, EmbeddingMatrix more)
    {
        if (Codes is null)
            return;
        appended.Codes = Codes.Append(more.IsFloat64 ? more.ToFloat32() : more);
        appended._keepsFloat32 = _keepsFloat32;
    }

    /// <summary>Candidates per result a compressed index rescores when the caller does not say: <see cref="DefaultOversample"/> of its precision.</summary>
    public int Oversample => DefaultOversample(Precision);

    /// <summary>
    /// The candidates per result rescored by default at <paramref name="precision"/>: 1 at float32
    /// (nothing to rescore), 2 for float16, bfloat16 and int8, 16 for binary — the least that gave
    /// recall@10 ≥ 0.999 (float16, bfloat16, int8) and ≥ 0.95 (binary) on both real sets in
    /// <c>bench/results/compressed-recall-*.md</c>.
    /// </summary>
    public static int DefaultOversample(Precision precision) => precision switch
    {
        Precision.Float32 => 1,
        Precision.Float16 or Precision.BFloat16 or Precision.Int8 => 2,
        _ => 16,
    };

    /// <summary>The best <paramref name="k"/> of <paramref name="candidates"/> (rows proposed by the codes), scored in float32.</summary>
    private protected Neighbor[] Rescore(ReadOnlySpan<int> candidates, ReadOnlySpan<float> query, int k) =>
        CompressedSearch.Rescore(candidates, query, Metric, k, HasFloat32 ? Corpus : null, Codes!);

    /// <summary>The indexed rows (read in place from the file's map for an opened index).</summary>
    public abstract EmbeddingMatrix Corpus { get; }

    /// <summary>
    /// The embedding model that made the rows from texts, or null for vectors from a file. When
    /// set, <see cref="Save"/> stores the keys as the source texts, and a text query is embedded
    /// by this model.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>
    /// The prompt the rows' texts were embedded after (a model's document prompt), or null when
    /// none was: rows added later take it, and a text query takes the model's query prompt, else it.
    /// </summary>
    public string? DocumentPrompt { get; set; }

    /// <summary>
    /// The source texts of the rows when their keys are ids rather than the texts themselves (a
    /// collection's segment): saved as <c>TEXT</c> beside <c>KEYS</c>. Null when the keys are the
    /// texts (or there are none). For an index opened from a file, the file's.
    /// </summary>
    public IReadOnlyList<string>? Texts
    {
        get => _texts ??= _file is { } f && f.Info.HasKeys ? f.Texts() : null;
        set => _texts = value is null || value.Count == Count ? value : throw new ArgumentException($"{value.Count} texts for {Count} rows", nameof(value));
    }

    IReadOnlyList<string>? _texts;

    /// <summary>
    /// Each row's metadata as one compact JSON object (empty: none), saved as <c>META</c> (format
    /// 1.3); null when no row has any. For an index opened from a file, the file's.
    /// </summary>
    public IReadOnlyList<string>? Metadata
    {
        get => _metadata ??= _file?.Metadata();
        set => _metadata = value is null || value.Count == Count ? value : throw new ArgumentException($"{value.Count} metadata for {Count} rows", nameof(value));
    }

    IReadOnlyList<string>? _metadata;

    /// <summary>What the file said about itself, for an index opened from a file; else null.</summary>
    public IndexInfo? Info => _file?.Info;

    /// <summary>The <paramref name="k"/> best rows for <paramref name="query"/>, best first, with one-to-one kernel scores.</summary>
    public abstract Neighbor[] Search(ReadOnlySpan<float> query, int k);

    /// <summary>
    /// The best rows for <paramref name="query"/> as <paramref name="options"/> says (k, and for the
    /// kinds that take them ef, oversample, exact), best first, with one-to-one kernel scores. The
    /// options are checked against this index first.
    /// </summary>
    /// <exception cref="InvalidSettingException">A setting is out of range or does not apply to this index.</exception>
    /// <exception cref="ArgumentException">The query's length differs from the rows'.</exception>
    public Neighbor[] Search(ReadOnlySpan<float> query, SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check(this);
        if (options.GroupByDocument)
        {
            var q = query.ToArray();
            return DocumentGroups.Of(this)!.Search(this, q, options, wide => SearchChecked(q, wide));
        }
        return SearchChecked(query, options);
    }

    /// <summary>
    /// The <paramref name="k"/> best of the rows <paramref name="filter"/> allows, every one scored
    /// exactly (float32 rows, or a compressed index's rescoring rows): the exact answer over the
    /// allowed rows, for a flat index or a filter that keeps few rows.
    /// </summary>
    private protected Neighbor[] ScanAllowed(ReadOnlySpan<float> query, int k, IRowFilter filter)
    {
        if (Count > 0 && query.Length != Dimensions)
            Throw.LengthMismatch(query.Length, Dimensions);
        var allowed = new List<int>();
        for (int row = 0; row < Count; row++)
            if (filter.Allows(row))
                allowed.Add(row);
        k = Math.Min(k, allowed.Count);
        if (k == 0)
            return [];
        if (Codes is not null)
            return Rescore(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(allowed), query, k);
        var rows = Corpus.IsFloat64 ? Corpus.ToFloat32() : Corpus;
        var scorer = QueryScorer.Create(Metric, query);
        var top = new TopK(k, Metric.HigherIsCloser());
        foreach (int row in allowed)
            top.Add(scorer.Score(rows.Rows.Row<float>(row)), row);
        return top.ToSortedArray();
    }

    /// <summary>The search of <see cref="Search(ReadOnlySpan{float}, SearchOptions)"/> for checked options.</summary>
    private protected abstract Neighbor[] SearchChecked(ReadOnlySpan<float> query, SearchOptions options);

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of an error about the rows given to <see cref="Append"/>.</summary>
    public const string RowsSetting = "Rows";

    /// <summary>
    /// An index of <paramref name="options"/>' kind over <paramref name="rows"/>: the options are
    /// checked first (against the rows' dimensions too), then a flat index is made or a graph
    /// linked on every core.
    /// </summary>
    /// <exception cref="InvalidSettingException">A setting is out of range or does not apply.</exception>
    public static VectorIndex Build(EmbeddingMatrix rows, IndexBuildOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        options.Check(rows.Count > 0 ? rows.Dimensions : null);
        return options.Kind == VectorIndexKind.Hnsw
            ? HnswIndex.Build(rows, options.Metric,
                new HnswOptions { M = options.M, EfConstruction = options.EfConstruction, Seed = options.Seed, Compression = options.Compression }, cancellationToken)
            : new FlatIndex(rows, options.Metric, options.Compression);
    }

    /// <summary>
    /// A new index of this kind, metric, precision and model over these rows followed by
    /// <paramref name="more"/> (same dimensions; keys on both or neither); the graph of an HNSW
    /// index is extended, not rebuilt.
    /// </summary>
    /// <exception cref="InvalidSettingException"><paramref name="more"/> (the setting <c>Rows</c>) has other dimensions, or keys where these rows have none (or the reverse).</exception>
    public abstract VectorIndex Append(EmbeddingMatrix more, CancellationToken cancellationToken = default);

    /// <summary>Writes the index to <paramref name="path"/> atomically: a crash leaves the old file whole.</summary>
    public abstract void Save(string path);

    /// <summary>True when <paramref name="path"/> is a file that starts as an index file does (by content, not by name).</summary>
    public static bool IsIndexFile(string path) => IndexFile.IsIndexFile(path);

    /// <summary>Maps an index file of either kind. Reads the header only; see <see cref="Verify"/>.</summary>
    /// <exception cref="InputException">The file is not an index file, is of a future version, truncated or damaged.</exception>
    public static VectorIndex Open(string path)
    {
        var file = IndexFile.Open(path);
        try
        {
            var precision = file.Info.StoredPrecision;
            var codes = precision == Precision.Float32 ? null
                : CompressedVectors.Over(precision, file.Info.Dimensions, file.Codes(), file.Ranges());
            var rows = file.Vectors() ?? new DecodedRows(codes!);
            var corpus = EmbeddingMatrix.Over(rows, file.Keys() is { } keys ? KeyMap.Over(keys, file.KeyLookup()) : null);
            VectorIndex index = file.Info.Kind == "hnsw"
                ? HnswIndex.FromFile(corpus, file)
                : new FlatIndex(corpus, file.Info.Metric);
            index.Codes = codes;
            index._keepsFloat32 = file.Info.HasFloat32;
            index._file = file;
            index.Model = file.Info.Model;
            index.DocumentPrompt = file.Info.DocumentPrompt;
            return index;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads every section of the file this index was opened from and checks its checksum and structure.</summary>
    /// <exception cref="InputException">A section is damaged (the message names it and its byte offset).</exception>
    /// <exception cref="InvalidOperationException">The index was not opened from a file.</exception>
    public void Verify()
    {
        var file = _file ?? throw new InvalidOperationException("this index was not opened from a file");
        file.Verify(f => CheckGraph(f.Path));
    }

    /// <summary>
    /// <see cref="Verify"/> once per file identity: skipped when this same file (full path, length,
    /// modification time, header checksum) was verified or written by Simil before, as recorded under
    /// the cache folder (<c>SIMIL_CACHE</c>, else <c>$XDG_CACHE_HOME/simil</c>, else <c>~/.cache/simil</c>).
    /// A query then costs what it reads, not the whole file (<c>docs/index-format.md</c>).
    /// </summary>
    /// <exception cref="InputException">A section is damaged.</exception>
    /// <exception cref="InvalidOperationException">The index was not opened from a file.</exception>
    public void VerifyOnce()
    {
        var file = _file ?? throw new InvalidOperationException("this index was not opened from a file");
        file.VerifyOnce(f => CheckGraph(f.Path));
    }

    /// <summary>
    /// Records the index file at <paramref name="path"/>, just written by <see cref="Save"/>, as
    /// verified: its checksums were computed from the bytes written, so <see cref="VerifyOnce"/>
    /// need not read it again.
    /// </summary>
    public static void RememberWritten(string path) => IndexFile.RememberWritten(path);

    /// <summary>Checks the graph's lists (the HNSW kind); nothing for the flat kind.</summary>
    private protected virtual void CheckGraph(string file)
    {
    }

    /// <summary>Each row's length ‖x‖, from the file or computed.</summary>
    private protected ReadOnlySpan<float> Norms => _file is not null ? _file.Norms() : _norms ??= ComputeNorms(Corpus);

    float[]? _norms;

    /// <summary>Norms already computed for these rows (a build computes them first).</summary>
    private protected void UseNorms(float[] norms) => _norms = norms;

    /// <summary>These rows' norms followed by those of <paramref name="more"/>: only the new rows are measured.</summary>
    private protected float[] NormsWith(EmbeddingMatrix more)
    {
        var all = new float[Count + more.Count];
        Norms.CopyTo(all);
        ComputeNorms(more).CopyTo(all, Count);
        return all;
    }

    internal static float[] ComputeNorms(EmbeddingMatrix corpus)
    {
        var norms = GC.AllocateArray<float>(corpus.Count, pinned: true);
        Parallel.For(0, corpus.Count, i => norms[i] = Norm(corpus[i]));
        return norms;
    }

    /// <summary>A row's length ‖x‖ as <c>NORM</c> stores it: the dot kernel's sum, square root in float64, rounded once.</summary>
    internal static float Norm(ReadOnlySpan<float> row) => (float)Math.Sqrt(Reduce.Run<DotOperator>(row, row));

    /// <summary>The sections every index file has, for this index's rows, keys or texts, and <paramref name="graph"/>.</summary>
    private protected void Write(string path, string kind, HnswSettings? settings, IndexSection? graph)
    {
        ArgumentNullException.ThrowIfNull(path);
        var corpus = Corpus;
        if (corpus.IsFloat64)
            corpus = corpus.ToFloat32();
        var norms = Norms.ToArray();
        var float32 = new IndexSection(Codes is null ? IndexFormat.Vectors : IndexFormat.Rescore, (long)corpus.Count * corpus.Dimensions * sizeof(float), s =>
        {
            for (int i = 0; i < corpus.Count; i++)
                s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(corpus.Rows.Row<float>(i)));
        });
        var sections = new List<IndexSection>();
        if (Codes is { } codes)
        {
            sections.Add(new(IndexFormat.Vectors, (long)codes.Count * codes.Codes.Dimensions, s =>
            {
                for (int i = 0; i < codes.Count; i++)
                    s.Write(codes.Codes.Row<byte>(i));
            }));
            if (codes.Ranges is { } ranges)
                sections.Add(new(IndexFormat.Ranges, 2L * codes.Dimensions * sizeof(float), s =>
                {
                    s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ranges.Min.AsSpan()));
                    s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ranges.Max.AsSpan()));
                }));
        }
        else
            sections.Add(float32);
        sections.Add(new(IndexFormat.Norms, (long)norms.Length * sizeof(float), s => s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(norms.AsSpan()))));
        if (corpus.Keys is { } keys)
        {
            // Keys that are ids go in KEYS with the texts beside them; keys that are the texts go in TEXT.
            var texts = Texts;
            sections.Add(new(Model is null || texts is not null ? IndexFormat.Keys : IndexFormat.Texts, StringTable.Length(keys), s => StringTable.Write(s, keys)));
            if (texts is not null)
                sections.Add(new(IndexFormat.Texts, StringTable.Length(texts), s => StringTable.Write(s, texts)));
            sections.Add(new(IndexFormat.KeyHash, KeyTable.Length(keys.Count), s => KeyTable.Write(s, keys)));
        }
        if (Metadata is { } metadata)
            sections.Add(new(IndexFormat.Metadata, StringTable.Length(metadata), s => StringTable.Write(s, metadata)));
        if (graph is not null)
            sections.Add(graph);
        if (Codes is not null && _keepsFloat32)
            sections.Add(float32);
        var info = new IndexInfo
        {
            Count = corpus.Count, Dimensions = corpus.Dimensions, Metric = Metric, Kind = kind, Precision = Precision.Name(),
            Model = Model, DocumentPrompt = DocumentPrompt, CreatedBy = IndexHeader.CreatedBy, Graph = settings,
        };
        IndexFileWriter.Write(path, info, sections);
    }

    /// <summary>Releases the file's map (for an index opened from a file).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the map.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
