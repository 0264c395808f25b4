using Simil.Indexes;
using Simil.Kernels;
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

    /// <summary>The indexed rows (read in place from the file's map for an opened index).</summary>
    public abstract EmbeddingMatrix Corpus { get; }

    /// <summary>
    /// The embedding model that made the rows from texts, or null for vectors from a file. When
    /// set, <see cref="Save"/> stores the keys as the source texts, and a text query is embedded
    /// by this model.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>What the file said about itself, for an index opened from a file; else null.</summary>
    public IndexInfo? Info => _file?.Info;

    /// <summary>The <paramref name="k"/> best rows for <paramref name="query"/>, best first, with one-to-one kernel scores.</summary>
    public abstract Neighbor[] Search(ReadOnlySpan<float> query, int k);

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
            var corpus = EmbeddingMatrix.Over(file.Vectors(), file.Keys() is { } keys ? KeyMap.Over(keys) : null);
            VectorIndex index = file.Info.Kind == "hnsw"
                ? HnswIndex.FromFile(corpus, file)
                : new FlatIndex(corpus, file.Info.Metric);
            index._file = file;
            index.Model = file.Info.Model;
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
        Parallel.For(0, corpus.Count, i =>
        {
            var row = corpus[i];
            norms[i] = (float)Math.Sqrt(Reduce.Run<DotOperator>(row, row));
        });
        return norms;
    }

    /// <summary>The sections every index file has, for this index's rows, keys or texts, and <paramref name="graph"/>.</summary>
    private protected void Write(string path, string kind, HnswSettings? settings, IndexSection? graph)
    {
        ArgumentNullException.ThrowIfNull(path);
        var corpus = Corpus;
        if (corpus.IsFloat64)
            corpus = corpus.ToFloat32();
        var norms = Norms.ToArray();
        var sections = new List<IndexSection>
        {
            new(IndexFormat.Vectors, (long)corpus.Count * corpus.Dimensions * sizeof(float), s =>
            {
                for (int i = 0; i < corpus.Count; i++)
                    s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(corpus.Rows.Row<float>(i)));
            }),
            new(IndexFormat.Norms, (long)norms.Length * sizeof(float), s => s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(norms.AsSpan()))),
        };
        if (corpus.Keys is { } keys)
            sections.Add(new(Model is null ? IndexFormat.Keys : IndexFormat.Texts, StringTable.Length(keys), s => StringTable.Write(s, keys)));
        if (graph is not null)
            sections.Add(graph);
        var info = new IndexInfo
        {
            Count = corpus.Count, Dimensions = corpus.Dimensions, Metric = Metric, Kind = kind, Precision = "float32",
            Model = Model, CreatedBy = IndexHeader.CreatedBy, Graph = settings,
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
