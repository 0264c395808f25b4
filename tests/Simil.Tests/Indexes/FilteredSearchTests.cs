using Simil.Quantization;

namespace Simil.Tests.Indexes;

/// <summary>
/// A filter inside the search (SearchOptions.Filter): a flat index and an exact scan give exactly
/// the best allowed rows with kernel scores; an HNSW walk keeps ef allowed candidates, so its
/// recall holds at low selectivity and it never returns fewer than k while k rows are allowed.
/// </summary>
public sealed class FilteredSearchTests
{
    static readonly EmbeddingMatrix s_corpus = IndexTestData.Clustered(3000, 24, 17);
    static readonly EmbeddingMatrix s_queries = IndexTestData.Clustered(40, 24, 18);

    sealed class EveryNth(int n, int offset) : IRowFilter
    {
        public bool Allows(int row) => row % n == offset;
    }

    sealed class Listed(HashSet<int> rows) : IRowFilter
    {
        public bool Allows(int row) => rows.Contains(row);
    }

    /// <summary>The best k allowed rows by a float64 reference, ties to the lower row.</summary>
    static int[] Reference(EmbeddingMatrix corpus, ReadOnlySpan<float> query, int k, IRowFilter filter, Metric metric)
    {
        var q = query.ToArray();
        var scored = Enumerable.Range(0, corpus.Count).Where(filter.Allows)
            .Select(r => (Row: r, Score: Reference64(metric, q, corpus[r].ToArray()))).ToList();
        var ordered = metric.HigherIsCloser() ? scored.OrderByDescending(s => s.Score).ThenBy(s => s.Row) : scored.OrderBy(s => s.Score).ThenBy(s => s.Row);
        return [.. ordered.Take(k).Select(s => s.Row)];
    }

    static double Reference64(Metric metric, float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0, l2 = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
            l2 += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }
        return metric switch { Metric.Dot => dot, Metric.Cosine => dot / Math.Sqrt(na * nb), _ => l2 };
    }

    [Theory]
    [InlineData(Metric.Dot)]
    [InlineData(Metric.Cosine)]
    [InlineData(Metric.L2Squared)]
    public void Flat_and_exact_scans_give_the_best_allowed_rows_with_kernel_scores(Metric metric)
    {
        var token = TestContext.Current.CancellationToken;
        using var flat = new FlatIndex(s_corpus, metric);
        using var hnsw = HnswIndex.Build(s_corpus, metric, new HnswOptions { M = 8, EfConstruction = 40 }, token);
        foreach (var filter in new IRowFilter[] { new EveryNth(2, 1), new EveryNth(10, 3), new EveryNth(100, 7), new EveryNth(1000, 999) })
            for (int q = 0; q < 10; q++)
            {
                var query = s_queries[q];
                var want = Reference(s_corpus, query, 10, filter, metric);
                var got = flat.Search(query, new SearchOptions { K = 10, Filter = filter });
                Assert.Equal(want, got.Select(n => n.Index));
                Assert.Equal(want, hnsw.Search(query, new SearchOptions { K = 10, Filter = filter, Exact = true }).Select(n => n.Index));
                foreach (var n in got)
                    Assert.Equal(metric switch
                    {
                        Metric.Dot => Similarity.Dot(query, s_corpus[n.Index]),
                        Metric.Cosine => Similarity.Cosine(query, s_corpus[n.Index]),
                        _ => Similarity.L2Squared(query, s_corpus[n.Index]),
                    }, n.Score);
            }
    }

    [Theory]
    [InlineData(2, 0.95)]
    [InlineData(10, 0.95)]
    [InlineData(100, 1.0)]
    public void The_walk_keeps_its_recall_and_never_returns_fewer_than_k_allowed_rows(int every, double recall)
    {
        var token = TestContext.Current.CancellationToken;
        using var hnsw = HnswIndex.Build(s_corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 64 }, token);
        using var int8 = HnswIndex.Build(s_corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 64, Compression = new IndexCompression(Precision.Int8, true) }, token);
        var filter = new EveryNth(every, 1);
        int found = 0, total = 0, found8 = 0;
        for (int q = 0; q < s_queries.Count; q++)
        {
            var want = Reference(s_corpus, s_queries[q], 10, filter, Metric.Cosine);
            var got = hnsw.Search(s_queries[q], new SearchOptions { K = 10, Ef = 64, Filter = filter });
            var got8 = int8.Search(s_queries[q], new SearchOptions { K = 10, Ef = 64, Filter = filter });
            Assert.Equal(10, got.Length);
            Assert.Equal(10, got8.Length);
            Assert.All(got, n => Assert.True(filter.Allows(n.Index)));
            Assert.All(got8, n => Assert.True(filter.Allows(n.Index)));
            found += got.Select(n => n.Index).Intersect(want).Count();
            found8 += got8.Select(n => n.Index).Intersect(want).Count();
            total += want.Length;
        }
        Assert.True((double)found / total >= recall, $"recall {(double)found / total:F3} at 1 in {every} allowed");
        Assert.True((double)found8 / total >= recall - 0.05, $"int8 recall {(double)found8 / total:F3} at 1 in {every} allowed");
    }

    [Fact]
    public void Fewer_allowed_rows_than_k_give_all_of_them_and_none_gives_nothing()
    {
        var token = TestContext.Current.CancellationToken;
        using var hnsw = HnswIndex.Build(s_corpus, Metric.Dot, new HnswOptions { M = 8, EfConstruction = 40 }, token);
        var three = new Listed([5, 1700, 2999]);
        var got = hnsw.Search(s_queries[0], new SearchOptions { K = 10, Filter = three });
        Assert.Equal([5, 1700, 2999], got.Select(n => n.Index).Order());
        Assert.Empty(hnsw.Search(s_queries[0], new SearchOptions { K = 10, Filter = new Listed([]) }));
        using var flat = new FlatIndex(s_corpus, Metric.Dot);
        Assert.Empty(flat.Search(s_queries[0], new SearchOptions { K = 10, Filter = new Listed([]) }));
    }

    [Fact]
    public void Duplicates_and_ties_among_allowed_rows_rank_by_row()
    {
        var rows = new float[50 * 4];
        for (int r = 0; r < 50; r++)
            rows.AsSpan(r * 4, 4).Fill(r % 5 == 0 ? 1f : 0.25f);   // rows 0, 5, 10 … are equal
        var corpus = EmbeddingMatrix.Create(rows, 4);
        var filter = new EveryNth(5, 0);
        using var flat = new FlatIndex(corpus, Metric.Dot);
        using var hnsw = HnswIndex.Build(corpus, Metric.Dot, new HnswOptions { M = 4, EfConstruction = 16 }, TestContext.Current.CancellationToken);
        float[] query = [1, 1, 1, 1];
        Assert.Equal([0, 5, 10], flat.Search(query, new SearchOptions { K = 3, Filter = filter }).Select(n => n.Index));
        Assert.Equal([0, 5, 10], hnsw.Search(query, new SearchOptions { K = 3, Filter = filter, Ef = 50 }).Select(n => n.Index));
    }
}
