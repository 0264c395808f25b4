using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Simil.Benchmarks;

/// <summary>
/// USearch's HNSW through its native C library (<c>libusearch_c.so</c> from the Cloud.Unum.USearch
/// package), for the index benchmark only: the C# binding sets the search expansion only in its
/// constructor and grows capacity one row at a time, so a fair ef sweep and a parallel build call
/// <c>usearch_change_expansion_search</c> and <c>usearch_reserve</c> directly (at most as many
/// concurrent adds as cores).
/// </summary>
static unsafe partial class USearchPeer
{
    const string Library = "usearch_c";

    [StructLayout(LayoutKind.Sequential)]
    struct InitOptions
    {
        public uint MetricKind;        // usearch_metric_kind_t: 1 cos, 2 ip, 3 l2sq
        public nint Metric;            // custom metric: none
        public uint Quantization;      // usearch_scalar_kind_t: 1 f32
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    private static partial nint Init(InitOptions* options, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    private static partial void Free(nint index, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    private static partial void Reserve(nint index, nuint capacity, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    private static partial void ThreadsAdd(nint index, nuint threads, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    private static partial void ThreadsSearch(nint index, nuint threads, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    private static partial void Add(nint index, ulong key, float* vector, uint kind, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    private static partial nuint Search(nint index, float* query, uint kind, nuint count, ulong* keys, float* distances, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    private static partial void ExpansionSearch(nint index, nuint expansion, byte** error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    private static partial void Save(nint index, string path, byte** error);

    static void Check(byte* error)
    {
        if (error != null)
            throw new InvalidOperationException("usearch: " + Marshal.PtrToStringUTF8((nint)error));
    }

    /// <summary>
    /// Issue 22's peer: builds a cosine index of <paramref name="corpus"/> (M 16, expansion 128, every
    /// core), then times adding <paramref name="singles"/> one at a time (one thread) and each batch
    /// of <paramref name="batches"/> (every core): USearch's in-memory cost, no durability.
    /// </summary>
    public static (double BuildSeconds, List<double> OneMs, List<double> BatchMs) AddTimings(EmbeddingMatrix corpus, float[][] singles, float[][][] batches)
    {
        int cores = Environment.ProcessorCount;
        var options = new InitOptions { MetricKind = 1u, Quantization = 1, Dimensions = (nuint)corpus.Dimensions, Connectivity = 16, ExpansionAdd = 128, ExpansionSearch = 64 };
        byte* error = null;
        nint index = Init(&options, &error);
        Check(error);
        try
        {
            Reserve(index, (nuint)(corpus.Count + singles.Length + batches.Sum(b => b.Length)), &error);
            Check(error);
            ThreadsAdd(index, (nuint)cores, &error);
            Check(error);
            var clock = Stopwatch.StartNew();
            Parallel.For(0, corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = cores }, i =>
            {
                byte* e = null;
                fixed (float* row = corpus[i])
                    Add(index, (ulong)i, row, 1, &e);
                Check(e);
            });
            double build = clock.Elapsed.TotalSeconds;
            ulong key = (ulong)corpus.Count;
            var one = new List<double>();
            foreach (var v in singles)
            {
                clock.Restart();
                fixed (float* row = v)
                    Add(index, key++, row, 1, &error);
                Check(error);
                one.Add(clock.Elapsed.TotalMilliseconds);
            }
            var batch = new List<double>();
            foreach (var b in batches)
            {
                ulong first = key;
                key += (ulong)b.Length;
                clock.Restart();
                Parallel.For(0, b.Length, new ParallelOptions { MaxDegreeOfParallelism = cores }, i =>
                {
                    byte* e = null;
                    fixed (float* row = b[i])
                        Add(index, first + (ulong)i, row, 1, &e);
                    Check(e);
                });
                batch.Add(clock.Elapsed.TotalMilliseconds);
            }
            return (build, one, batch);
        }
        finally
        {
            Free(index, &error);
        }
    }

    /// <summary>Rows of the markdown table for <paramref name="metric"/>: build (all cores), size, and the ef sweep.</summary>
    public static IEnumerable<string> Run(Metric metric, EmbeddingMatrix corpus, EmbeddingMatrix queries, Neighbor[][] truth, int[] efs, int k,
        Func<Neighbor[][], Neighbor[][], double> recall)
    {
        int cores = Environment.ProcessorCount;
        var options = new InitOptions
        {
            MetricKind = metric switch { Metric.Cosine => 1u, Metric.Dot => 2u, _ => 3u },
            Quantization = 1,
            Dimensions = (nuint)corpus.Dimensions,
            Connectivity = 16,
            ExpansionAdd = 128,
            ExpansionSearch = 64,
        };
        byte* error = null;
        nint index = Init(&options, &error);
        Check(error);
        try
        {
            Reserve(index, (nuint)corpus.Count, &error);
            Check(error);
            ThreadsAdd(index, (nuint)cores, &error);
            Check(error);
            ThreadsSearch(index, (nuint)cores, &error);
            Check(error);
            var clock = Stopwatch.StartNew();
            Parallel.For(0, corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = cores }, i =>
            {
                byte* e = null;
                fixed (float* row = corpus[i])
                    Add(index, (ulong)i, row, 1, &e);
                Check(e);
            });
            double build = clock.Elapsed.TotalSeconds;
            var file = Path.Combine(Path.GetTempPath(), $"usearch-{Guid.NewGuid():N}.bin");
            Save(index, file, &error);
            Check(error);
            long bytes = new FileInfo(file).Length;
            File.Delete(file);

            var rows = new List<string>();
            foreach (int ef in efs)
            {
                ExpansionSearch(index, (nuint)ef, &error);
                Check(error);
                var found = new Neighbor[queries.Count][];
                Neighbor[] One(int q)
                {
                    var keys = stackalloc ulong[k];
                    var distances = stackalloc float[k];
                    byte* e = null;
                    nuint n;
                    fixed (float* v = queries[q])
                        n = Search(index, v, 1, (nuint)k, keys, distances, &e);
                    Check(e);
                    var result = new Neighbor[(int)n];
                    for (int j = 0; j < (int)n; j++)
                        result[j] = new Neighbor((int)keys[j], distances[j]);
                    return result;
                }
                for (int q = 0; q < queries.Count; q++)
                    found[q] = One(q);   // warm-up
                clock.Restart();
                for (int q = 0; q < queries.Count; q++)
                    found[q] = One(q);
                double one = queries.Count / clock.Elapsed.TotalSeconds;
                clock.Restart();
                Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = cores }, q => found[q] = One(q));
                double many = queries.Count / clock.Elapsed.TotalSeconds;
                rows.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"| {metric.Name()} | USearch (libusearch_c) | {build:F1} | {bytes:N0} | {ef} | {recall(found, truth):F3} | {one:N0} | {many:N0} |"));
            }
            return rows;
        }
        finally
        {
            Free(index, &error);
        }
    }
}
