namespace Simil.Tests.Indexes;

/// <summary>Clustered Gaussian rows with varying lengths: the shape of real embeddings, small enough for tests.</summary>
static class IndexTestData
{
    /// <summary>
    /// Rows around <paramref name="clusters"/> centres drawn from a fixed seed (so corpus and queries
    /// drawn with different <paramref name="seed"/>s share them), each scaled by a length in [0.5, 2].
    /// </summary>
    public static EmbeddingMatrix Clustered(int rows, int dims, int seed, bool keys = false, int clusters = 20, bool sorted = false)
    {
        var centreRandom = new Random(1000 + dims);
        var centres = new float[clusters * dims];
        for (int i = 0; i < centres.Length; i++)
            centres[i] = (float)Gaussian(centreRandom);
        var random = new Random(seed);
        var data = new float[rows * dims];
        for (int r = 0; r < rows; r++)
        {
            // Sorted: the rows of one cluster one after another, as a file sorted by name often is.
            int c = sorted ? (int)((long)r * clusters / rows) : random.Next(clusters);
            double scale = 0.5 + 1.5 * random.NextDouble();   // lengths vary: the dot product differs from cosine
            for (int t = 0; t < dims; t++)
                data[r * dims + t] = (float)(scale * (centres[c * dims + t] + 0.6 * Gaussian(random)));
        }
        return EmbeddingMatrix.Create(data, dims, keys ? [.. Enumerable.Range(0, rows).Select(i => $"row-{i}-é")] : null);
    }

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static string TempPath() => Path.Combine(Path.GetTempPath(), $"simil-test-{Guid.NewGuid():N}.simil");

    /// <summary>Recall@10 of <paramref name="index"/> at <paramref name="ef"/> against an exact scan of its rows, over every query.</summary>
    public static double Recall10(HnswIndex index, EmbeddingMatrix queries, int ef)
    {
        var exact = new FlatIndex(index.Corpus, index.Metric);
        var found = Enumerable.Range(0, queries.Count).Select(q => index.Search(queries[q], 10, ef)).ToArray();
        var truth = Enumerable.Range(0, queries.Count).Select(q => exact.Search(queries[q], 10)).ToArray();
        return Recall(found, truth);
    }

    /// <summary>Recall@k of approximate results against exact ones, over all queries.</summary>
    public static double Recall(Neighbor[][] approximate, Neighbor[][] exact)
    {
        long hit = 0, total = 0;
        for (int q = 0; q < exact.Length; q++)
        {
            var truth = exact[q].Select(n => n.Index).ToHashSet();
            hit += approximate[q].Count(n => truth.Contains(n.Index));
            total += exact[q].Length;
        }
        return total == 0 ? 1 : (double)hit / total;
    }
}
