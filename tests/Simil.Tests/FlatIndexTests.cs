using Simil.Search;

namespace Simil.Tests;

/// <summary>
/// <see cref="FlatIndex"/> against a full sort of the one-to-one scores: same neighbours in the
/// same order (ties by lower row), and scores equal bit for bit.
/// </summary>
public sealed class FlatIndexTests
{
    static EmbeddingMatrix RandomMatrix(Random random, int rows, int dims, bool withDuplicates = false)
    {
        var data = new float[rows * dims];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)Math.Round(random.NextDouble() * 4 - 2, 1);   // coarse values: many exact ties
        if (withDuplicates)
            for (int r = 3; r < rows; r += 7)
                data.AsSpan((r - 3) * dims, dims).CopyTo(data.AsSpan(r * dims, dims));
        return EmbeddingMatrix.Create(data, dims);
    }

    static Neighbor[] FullSort(EmbeddingMatrix corpus, ReadOnlySpan<float> query, Metric metric, int k)
    {
        var all = new Neighbor[corpus.Count];
        for (int i = 0; i < all.Length; i++)
            all[i] = new Neighbor(i, Similarity.Compute(metric, query, corpus[i]));
        int sign = metric.HigherIsCloser() ? -1 : 1;
        return [.. all.OrderBy(n => sign * n.Score).ThenBy(n => n.Index).Take(k)];
    }

    public static TheoryData<Metric, int, int> Cases()
    {
        var data = new TheoryData<Metric, int, int>();
        foreach (var metric in MetricInfo.All)
            foreach (var (rows, k) in new[] { (50, 0), (50, 1), (50, 10), (50, 50), (50, 80), (20_000, 25) })
                data.Add(metric, rows, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_query_gets_the_true_top_k_with_exact_scores(Metric metric, int rows, int k)
    {
        var random = new Random(rows + k + (int)metric);
        var corpus = RandomMatrix(random, rows, 6, withDuplicates: true);
        var index = new FlatIndex(corpus, metric);
        for (int q = 0; q < 5; q++)
        {
            var query = q == 0 ? corpus[3].ToArray() : RandomMatrix(random, 1, 6)[0].ToArray();
            Assert.Equal(FullSort(corpus, query, metric, k), index.Search(query, k));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(257)]
    public void A_batch_gives_what_each_query_gives(int queries)
    {
        var random = new Random(queries);
        var corpus = RandomMatrix(random, 300, 8);
        var batch = RandomMatrix(random, queries, 8);
        foreach (var metric in MetricInfo.All)
        {
            var index = new FlatIndex(corpus, metric);
            var results = index.Search(batch, 7);
            Assert.Equal(queries, results.Length);
            for (int q = 0; q < queries; q++)
                Assert.Equal(FullSort(corpus, batch[q], metric, 7), results[q]);
        }
    }

    [Fact]
    public void Ten_thousand_queries_are_answered()
    {
        var random = new Random(4);
        var corpus = RandomMatrix(random, 200, 4);
        var batch = RandomMatrix(random, 10_000, 4);
        var results = new FlatIndex(corpus, Metric.L2Squared).Search(batch, 3);
        Assert.Equal(10_000, results.Length);
        Assert.All(results, r => Assert.Equal(3, r.Length));
        for (int q = 0; q < results.Length; q++)
            Assert.Equal(FullSort(corpus, batch[q], Metric.L2Squared, 3), results[q]);
    }

    [Fact]
    public void Near_duplicate_rows_are_ranked_by_their_exact_scores()
    {
        var baseRow = Enumerable.Range(0, 64).Select(i => MathF.Sin(i)).ToArray();
        var data = new List<float>();
        for (int r = 0; r < 10; r++)
            data.AddRange(baseRow.Select((v, i) => i == r ? v + 1e-6f * (r + 1) : v));
        var corpus = EmbeddingMatrix.Create(data.ToArray(), 64);
        var results = new FlatIndex(corpus, Metric.L2Squared).Search(baseRow, 10);
        Assert.Equal(Enumerable.Range(0, 10), results.Select(n => n.Index));
        Assert.All(results, n => Assert.Equal(Similarity.L2Squared(baseRow, corpus[n.Index]), n.Score));
    }

    [Fact]
    public void An_empty_corpus_returns_nothing_and_bad_input_is_refused()
    {
        var empty = new FlatIndex(EmbeddingMatrix.Create(ReadOnlySpan<float>.Empty, 3), Metric.Cosine);
        Assert.Empty(empty.Search([1f, 2, 3], 5));
        var index = new FlatIndex(EmbeddingMatrix.Create([1f, 2, 3], 3), Metric.Cosine);
        Assert.Throws<ArgumentException>(() => index.Search([1f, 2], 1));
        Assert.Throws<ArgumentException>(() => index.Search(EmbeddingMatrix.Create([1f, 2], 2), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 2, 3], -1));
    }
}

/// <summary>
/// The packed many-query path against a full sort: exact neighbours and bit-equal scores. In the
/// kernel category, so it also runs on every forced narrower path (where the one-query path answers).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class BatchSearchTests
{
    // 600 queries: three workers' blocks of 256 (the last partial), each against the corpus in
    // tiles of 512 rows (5,000 rows: the last tile and the last 4,096-row block partial).
    [Theory]
    [InlineData(Metric.Dot, 70)]
    [InlineData(Metric.Cosine, 70)]
    [InlineData(Metric.L2Squared, 70)]
    [InlineData(Metric.L2, 70)]
    [InlineData(Metric.CosineDistance, 70)]
    [InlineData(Metric.NegativeDot, 70)]
    [InlineData(Metric.Dot, 600)]
    [InlineData(Metric.Cosine, 600)]
    [InlineData(Metric.L2Squared, 600)]
    public void Many_queries_get_the_exact_top_k(Metric metric, int queries)
    {
        var random = new Random((int)metric + 40);
        int rows = 5_000, dims = 96;
        var data = new float[rows * dims];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        // Near-duplicates and exact duplicates of row 0 scattered through the corpus.
        for (int r = 100; r < rows; r += 997)
            for (int c = 0; c < dims; c++)
                data[r * dims + c] = data[c] * (r % 2 == 0 ? 1 : 1 + 1e-7f * c);
        var corpus = EmbeddingMatrix.Create(data, dims);
        var q = new float[queries * dims];
        for (int i = 0; i < q.Length; i++) q[i] = (float)(random.NextDouble() * 2 - 1);
        corpus[0].CopyTo(q);   // query 0 sits on the duplicates
        var batch = EmbeddingMatrix.Create(q, dims);
        long before = BatchSearch.RunsOnThisThread;
        var results = new FlatIndex(corpus, metric).Search(batch, 12);
        // On AVX-512 the packed kernel must really have answered; elsewhere the one-query path does.
        Assert.Equal(Similarity.ActiveKernelPath == KernelPath.Vector512, BatchSearch.RunsOnThisThread > before);
        int sign = metric.HigherIsCloser() ? -1 : 1;
        for (int i = 0; i < queries; i++)
        {
            var expected = Enumerable.Range(0, rows).Select(r => new Neighbor(r, Similarity.Compute(metric, corpus[r], batch[i])))
                .OrderBy(n => sign * n.Score).ThenBy(n => n.Index).Take(12).ToArray();
            Assert.Equal(expected, results[i]);
        }
    }

    [Theory]
    [InlineData(Metric.Dot)]
    [InlineData(Metric.Cosine)]
    [InlineData(Metric.L2)]
    public void Ten_thousand_tied_rows_keep_the_candidate_list_bounded_and_exact(Metric metric)
    {
        // Every row a copy of one of two vectors (with tiny noise on some): every row stays within
        // the margin, so the bounded candidate list must compact and rescore as it goes.
        var random = new Random(12);
        int rows = 10_000, dims = 24;
        var baseRow = Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var data = new float[rows * dims];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < dims; c++)
                data[r * dims + c] = baseRow[c] * (r % 3 == 0 ? 1 : 1 + 1e-7f * (float)(random.NextDouble() - 0.5));
        var corpus = EmbeddingMatrix.Create(data, dims);
        var queries = new float[40 * dims];
        for (int q = 0; q < 40; q++)
            baseRow.CopyTo(queries.AsSpan(q * dims));
        var batch = EmbeddingMatrix.Create(queries, dims);
        var results = new FlatIndex(corpus, metric).Search(batch, 7);
        int sign = metric.HigherIsCloser() ? -1 : 1;
        var expected = Enumerable.Range(0, rows).Select(r => new Neighbor(r, Similarity.Compute(metric, corpus[r], batch[0])))
            .OrderBy(n => sign * n.Score).ThenBy(n => n.Index).Take(7).ToArray();
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
