using Simil.Quantization;

namespace Simil.Tests.Indexes;

/// <summary>
/// VectorIndex.Search(query, SearchOptions): one entry for every kind, settings checked once in the
/// library (a refused setting is named by its property), answers equal to each kind's own search.
/// </summary>
public sealed class SearchOptionsTests
{
    static readonly EmbeddingMatrix s_corpus = IndexTestData.Clustered(600, 16, 3);
    static readonly EmbeddingMatrix s_queries = IndexTestData.Clustered(20, 16, 4);

    [Fact]
    public void Every_kind_answers_as_its_own_search()
    {
        var token = TestContext.Current.CancellationToken;
        using var flat = new FlatIndex(s_corpus, Metric.Cosine);
        using var hnsw = HnswIndex.Build(s_corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 64 }, token);
        using var int8 = new FlatIndex(s_corpus, Metric.Cosine, new IndexCompression(Precision.Int8, true, null));
        for (int q = 0; q < s_queries.Count; q++)
        {
            var query = s_queries[q];
            Assert.Equal(flat.Search(query, 7), flat.Search(query, new SearchOptions { K = 7 }));
            Assert.Equal(hnsw.Search(query, 7, 64), hnsw.Search(query, new SearchOptions { K = 7 }));
            Assert.Equal(hnsw.Search(query, 7, 20), hnsw.Search(query, new SearchOptions { K = 7, Ef = 20 }));
            Assert.Equal(flat.Search(query, 7), hnsw.Search(query, new SearchOptions { K = 7, Exact = true }));
            Assert.Equal(int8.Search(query, 5, 3), int8.Search(query, new SearchOptions { K = 5, Oversample = 3 }));
            Assert.Equal(int8.Search(query, 5), int8.Search(query, new SearchOptions { K = 5 }));
        }
    }

    [Fact]
    public void A_setting_that_is_out_of_range_or_does_not_apply_is_named()
    {
        var token = TestContext.Current.CancellationToken;
        using var flat = new FlatIndex(s_corpus, Metric.Cosine);
        using var hnsw = HnswIndex.Build(s_corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 32 }, token);
        var query = s_queries[0].ToArray();
        var cases = new (VectorIndex Index, SearchOptions Options, string Setting)[]
        {
            (flat, new() { K = 0 }, "K"),
            (hnsw, new() { K = -1 }, "K"),
            (hnsw, new() { K = 10, Ef = 9 }, "Ef"),
            (flat, new() { Ef = 64 }, "Ef"),
            (flat, new() { Exact = true }, "Exact"),
            (hnsw, new() { Oversample = 2 }, "Oversample"),
            (flat, new() { Oversample = 0 }, "Oversample"),
        };
        foreach (var (index, options, setting) in cases)
        {
            var e = Assert.Throws<InvalidSettingException>(() => index.Search(query, options));
            Assert.Equal(setting, e.Setting);
            Assert.Equal(setting, e.ParamName);
        }
    }
}
