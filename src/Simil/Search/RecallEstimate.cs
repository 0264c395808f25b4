namespace Simil;

/// <summary>
/// Recall@k of an index's default search against an exact float32 scan of its own rows, on a sample
/// of those rows as queries: how much a compressed precision (and a graph) changes the answer, on
/// the user's own data.
/// </summary>
/// <param name="K">Neighbours per query.</param>
/// <param name="Queries">Rows sampled as queries.</param>
/// <param name="Recall">The share of the exact top k that the index's search returned.</param>
/// <param name="AgainstFloat32">True when the exact scan read float32 rows; false when a compressed index keeps none and the scan read its decoded codes (then only the graph's share of the loss is measured).</param>
public sealed record RecallEstimate(int K, int Queries, double Recall, bool AgainstFloat32)
{
    /// <summary>Measures <paramref name="index"/> with <paramref name="queries"/> of its rows, drawn with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> or <paramref name="queries"/> is below 1.</exception>
    public static RecallEstimate Measure(VectorIndex index, int k = 10, int queries = 200, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        int n = Math.Min(queries, index.Count);
        var random = new Random(seed);
        var rows = Enumerable.Range(0, index.Count).OrderBy(_ => random.Next()).Take(n).ToArray();
        var exact = new FlatIndex(index.Corpus, index.Metric);
        long hits = 0, total = 0;
        var locker = new Lock();
        Parallel.ForEach(rows, row =>
        {
            var query = index.Corpus[row].ToArray();
            var truth = exact.Search(query, k).Select(x => x.Index).ToHashSet();
            int hit = index.Search(query, k).Count(x => truth.Contains(x.Index));
            lock (locker)
            {
                hits += hit;
                total += truth.Count;
            }
        });
        return new RecallEstimate(k, n, total == 0 ? 1 : (double)hits / total, index.HasFloat32);
    }
}
