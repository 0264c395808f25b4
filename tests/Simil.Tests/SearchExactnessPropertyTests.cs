using CsCheck;

namespace Simil.Tests;

/// <summary>
/// Exactness of every search path, as a property: on generated adversarial corpora and query
/// batches (exact and near duplicates, zero rows, rows scaled by 10^±6, all-negative rows, rows
/// whose squares overflow float32, a query equal to a corpus row, ties across the 4,096-row block
/// boundary of the batch path), for every metric, for batches either side of the batch threshold
/// and for k ∈ {1, 10, N−1, N, N+5}, the one-query search, the batch search and a full sort of
/// the one-to-one scores agree on the indices and bit for bit on the scores.
/// <see cref="KernelPathTests"/> reruns this class with each narrower kernel path forced.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class SearchExactnessPropertyTests
{
    /// <summary>How one generated case is built; the vectors come from <see cref="Seed"/>, so a failure shrinks on these fields.</summary>
    public sealed record Case(int Rows, int Dims, int Seed, double LogNoise, bool Duplicates, bool NearDuplicates,
        bool ZeroRows, bool ScaledRows, bool NegativeRows, bool OverflowRows, bool BoundaryTies);

    /// <summary>Small corpora of any width (the matrix kernel's 128-wide k-chunks crossed), and corpora past one 4,096-row block.</summary>
    static readonly Gen<(int Rows, int Dims)> Shape = Gen.Frequency(
        (8, Gen.Select(Gen.Int[1, 300], Gen.Int[1, 80])),
        (1, Gen.Select(Gen.Int[1, 120], Gen.Int[120, 400])),
        (1, Gen.Select(Gen.Int[4_090, 4_300], Gen.Int[1, 48])));

    static readonly Gen<Case> Cases =
        from shape in Shape
        from seed in Gen.Int
        from logNoise in Gen.Double[-7, -3]
        from flags in Gen.Bool.Array[7]
        from overflow in Gen.Int[0, 9]
        select new Case(shape.Rows, shape.Dims, seed, logNoise, flags[0] || flags[6], flags[1] || flags[6], flags[2],
            flags[3], flags[4], overflow == 0, flags[5]);

    /// <summary>Queries per case: the batch threshold and one fewer (the one-query path for a batch).</summary>
    static readonly int[] BatchSizes = [FlatIndex.BatchQueries - 1, FlatIndex.BatchQueries];

    /// <summary>Fewer cases where a narrower path runs in a child process (the scalar paths are slow).</summary>
    static int Iterations => Environment.GetEnvironmentVariable(KernelPathTests.ExpectVariable) is null ? 200 : 40;

    [Fact]
    public void Single_search_batch_search_and_a_full_sort_agree() =>
        Cases.Sample(Check, iter: Iterations, threads: 1);

    /// <summary>The report that opened issue 8: exact copies of row 0 lost under l2 by the batch path.</summary>
    [Fact]
    public void Exact_duplicates_come_first_under_l2_in_a_batch()
    {
        var random = new Random(8);
        int rows = 5_000, dims = 48;
        var data = new float[rows * dims];
        for (int r = 0; r < rows; r++)
        {
            double scale = Math.Pow(10, random.NextDouble() * 2 - 1);
            for (int c = 0; c < dims; c++)
                data[r * dims + c] = (float)(Normal(random) * scale);
        }
        for (int r = 1; r <= 200; r++)
            for (int c = 0; c < dims; c++)
                data[r * dims + c] = (float)(data[c] * (1 + 1e-6 * (random.NextDouble() - 0.5)));
        for (int r = 201; r <= 220; r++)
            data.AsSpan(0, dims).CopyTo(data.AsSpan(r * dims, dims));
        var queries = new float[64 * dims];
        for (int i = 0; i < queries.Length; i++)
            queries[i] = (float)Normal(random);
        data.AsSpan(0, dims).CopyTo(queries);
        var corpus = EmbeddingMatrix.Create(data, dims);
        var batch = EmbeddingMatrix.Create(queries, dims);
        foreach (var metric in MetricInfo.All)
        {
            var results = new FlatIndex(corpus, metric).Search(batch, 10);
            for (int q = 0; q < 64; q++)
                AssertSame(FullSort(corpus, batch[q], metric).Take(10).ToArray(), results[q], $"{metric}, query {q}");
        }
        var l2 = new FlatIndex(corpus, Metric.L2).Search(batch, 10)[0];
        Assert.Equal([0, 201, 202, 203, 204, 205, 206, 207, 208, 209], l2.Select(n => n.Index));
    }

    static void Check(Case c)
    {
        var random = new Random(c.Seed);
        var corpus = BuildCorpus(c, random);
        var queries = BuildQueries(c, corpus, random, BatchSizes[^1]);
        int n = corpus.Count;
        int[] ks = [1, 10, n - 1, n, n + 5];
        foreach (var metric in MetricInfo.All)
        {
            var index = new FlatIndex(corpus, metric);
            var sorted = new Neighbor[queries.Count][];
            for (int q = 0; q < queries.Count; q++)
                sorted[q] = FullSort(corpus, queries[q], metric);
            foreach (int k in ks)
            {
                var expected = sorted.Select(s => s.Take(Math.Max(0, k)).ToArray()).ToArray();
                for (int q = 0; q < queries.Count; q++)
                    AssertSame(expected[q], index.Search(queries[q], k), $"{c}: {metric}, k={k}, one query {q}");
                foreach (int size in BatchSizes)
                {
                    var batch = EmbeddingMatrix.Create(queries.Data[..(size * c.Dims)], c.Dims);
                    var results = index.Search(batch, k);
                    Assert.Equal(size, results.Length);
                    for (int q = 0; q < size; q++)
                        AssertSame(expected[q], results[q], $"{c}: {metric}, k={k}, batch of {size}, query {q}");
                }
            }
        }
    }

    static EmbeddingMatrix BuildCorpus(Case c, Random random)
    {
        int rows = c.Rows, dims = c.Dims;
        var data = new float[rows * dims];
        double noise = Math.Pow(10, c.LogNoise);
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dims, dims);
            double scale = Math.Pow(10, random.NextDouble() * 2 - 1);
            for (int i = 0; i < dims; i++)
                row[i] = (float)(Normal(random) * scale);
            int source = random.Next(r + 1);   // an earlier row (or this one) to copy
            var from = data.AsSpan(source * dims, dims);
            switch (random.Next(10))
            {
                case 0 when c.Duplicates:
                    from.CopyTo(row);
                    break;
                case 1 when c.NearDuplicates:
                    for (int i = 0; i < dims; i++)
                        row[i] = (float)(from[i] * (1 + noise * (random.NextDouble() - 0.5)));
                    break;
                case 2 when c.ZeroRows:
                    row.Clear();
                    break;
                case 3 when c.ScaledRows:
                    float factor = random.Next(2) == 0 ? 1e6f : 1e-6f;
                    for (int i = 0; i < dims; i++)
                        row[i] = from[i] * factor;
                    break;
                case 4 when c.NegativeRows:
                    for (int i = 0; i < dims; i++)
                        row[i] = -Math.Abs(row[i]);
                    break;
                case 5 when c.OverflowRows:
                    // Squares beyond float32's range: scores become infinite (or NaN for cosine).
                    for (int i = 0; i < dims; i++)
                        row[i] *= 1e20f;
                    break;
            }
        }
        // Ties across the batch path's 4,096-row corpus block: the same row on both sides of it.
        if (c.BoundaryTies && rows > 4_097)
            for (int r = 4_094; r < 4_098; r++)
                data.AsSpan(0, dims).CopyTo(data.AsSpan(r * dims, dims));
        return EmbeddingMatrix.Create(data, dims);
    }

    static EmbeddingMatrix BuildQueries(Case c, EmbeddingMatrix corpus, Random random, int count)
    {
        int dims = c.Dims;
        var data = new float[count * dims];
        double noise = Math.Pow(10, c.LogNoise);
        for (int q = 0; q < count; q++)
        {
            var query = data.AsSpan(q * dims, dims);
            var row = corpus[random.Next(corpus.Count)];
            switch (q % 6)
            {
                case 0:   // a corpus row, exactly
                    row.CopyTo(query);
                    break;
                case 1:   // a near copy of one
                    for (int i = 0; i < dims; i++)
                        query[i] = (float)(row[i] * (1 + noise * (random.NextDouble() - 0.5)));
                    break;
                case 2 when q == 2:
                    break;   // a zero query
                case 3:   // far from every row's scale
                    float factor = random.Next(2) == 0 ? 1e6f : 1e-6f;
                    for (int i = 0; i < dims; i++)
                        query[i] = (float)Normal(random) * factor;
                    break;
                default:
                    for (int i = 0; i < dims; i++)
                        query[i] = (float)Normal(random);
                    break;
            }
        }
        // The first query sits on row 0, so that its duplicates and the boundary ties are its neighbours.
        corpus[0].CopyTo(data);
        return EmbeddingMatrix.Create(data, dims);
    }

    /// <summary>Every row by its one-to-one score, best first; NaN last; equal scores by lower row.</summary>
    static Neighbor[] FullSort(EmbeddingMatrix corpus, ReadOnlySpan<float> query, Metric metric)
    {
        var all = new Neighbor[corpus.Count];
        for (int i = 0; i < all.Length; i++)
            all[i] = new Neighbor(i, Similarity.Compute(metric, query, corpus[i]));
        int sign = metric.HigherIsCloser() ? -1 : 1;
        Array.Sort(all, (x, y) =>
        {
            bool nanX = float.IsNaN(x.Score), nanY = float.IsNaN(y.Score);
            int order = nanX != nanY ? (nanX ? 1 : -1)
                : nanX || x.Score == y.Score ? 0
                : sign * x.Score.CompareTo(y.Score);
            return order != 0 ? order : x.Index.CompareTo(y.Index);
        });
        return all;
    }

    static void AssertSame(Neighbor[] expected, Neighbor[] actual, string where)
    {
        bool same = expected.Length == actual.Length;
        for (int i = 0; same && i < expected.Length; i++)
            same = expected[i].Index == actual[i].Index
                && BitConverter.SingleToInt32Bits(expected[i].Score) == BitConverter.SingleToInt32Bits(actual[i].Score);
        if (!same)
        {
            int first = 0;
            while (first < Math.Min(expected.Length, actual.Length) && expected[first].Index == actual[first].Index
                && BitConverter.SingleToInt32Bits(expected[first].Score) == BitConverter.SingleToInt32Bits(actual[first].Score))
                first++;
            Assert.Fail($"{where}: first difference at rank {first} of {expected.Length} and {actual.Length}:\n  full sort: {Show(expected, first)}\n  search:    {Show(actual, first)}");
        }
    }

    static string Show(Neighbor[] neighbors, int from) =>
        string.Join(", ", neighbors.Skip(from).Take(12).Select(n => $"{n.Index}:{n.Score:R}")) + (neighbors.Length > from + 12 ? ", …" : "");

    static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
