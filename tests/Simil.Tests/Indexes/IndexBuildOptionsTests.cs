using Simil.Quantization;

namespace Simil.Tests.Indexes;

/// <summary>
/// VectorIndex.Build(rows, IndexBuildOptions): one entry for every kind and precision, settings
/// checked once in the library (a refused setting is named by its property, never by a flag), and
/// the index equal to the one its kind's own constructor makes.
/// </summary>
public sealed class IndexBuildOptionsTests
{
    static readonly EmbeddingMatrix s_corpus = IndexTestData.Clustered(300, 12, 5, keys: true);
    static readonly EmbeddingMatrix s_queries = IndexTestData.Clustered(10, 12, 6);

    [Fact]
    public void Build_makes_what_each_kind_makes()
    {
        var token = TestContext.Current.CancellationToken;
        using var flat = VectorIndex.Build(s_corpus, new IndexBuildOptions { Metric = Metric.Dot }, token);
        using var plainFlat = new FlatIndex(s_corpus, Metric.Dot);
        using var hnsw = VectorIndex.Build(s_corpus, new IndexBuildOptions { Kind = VectorIndexKind.Hnsw, M = 6, EfConstruction = 40, Seed = 9 }, token);
        using var plainHnsw = HnswIndex.Build(s_corpus, Metric.Cosine, new HnswOptions { M = 6, EfConstruction = 40, Seed = 9 }, token);
        using var int8 = VectorIndex.Build(s_corpus, new IndexBuildOptions { Precision = Precision.Int8, Rescore = true }, token);
        using var plainInt8 = new FlatIndex(s_corpus, Metric.Cosine, new IndexCompression(Precision.Int8, true));
        Assert.IsType<FlatIndex>(flat);
        Assert.IsType<HnswIndex>(hnsw);
        Assert.Equal(Precision.Int8, int8.Precision);
        for (int q = 0; q < s_queries.Count; q++)
        {
            Assert.Equal(plainFlat.Search(s_queries[q], 8), flat.Search(s_queries[q], 8));
            Assert.Equal(plainHnsw.Search(s_queries[q], 8), hnsw.Search(s_queries[q], 8));
            Assert.Equal(plainInt8.Search(s_queries[q], 8), int8.Search(s_queries[q], 8));
        }
    }

    [Fact]
    public void A_setting_that_is_out_of_range_or_does_not_apply_is_named_by_its_property()
    {
        var ranges = QuantizationRanges.Of(s_corpus);
        var cases = new (IndexBuildOptions Options, string Setting)[]
        {
            (new() { Precision = Precision.UInt8 }, nameof(IndexBuildOptions.Precision)),
            (new() { Precision = Precision.UBinary }, nameof(IndexBuildOptions.Precision)),
            (new() { Rescore = true }, nameof(IndexBuildOptions.Rescore)),
            (new() { Precision = Precision.Float16, Ranges = ranges }, nameof(IndexBuildOptions.Ranges)),
            (new() { Precision = Precision.Int8, Ranges = new QuantizationRanges(new float[3], new float[3]) }, nameof(IndexBuildOptions.Ranges)),
            (new() { Precision = Precision.Int8, Metric = Metric.L1 }, nameof(IndexBuildOptions.Metric)),
            (new() { Kind = VectorIndexKind.Hnsw, Metric = Metric.L1 }, nameof(IndexBuildOptions.Metric)),
            (new() { Kind = (VectorIndexKind)7 }, nameof(IndexBuildOptions.Kind)),
            (new() { Kind = VectorIndexKind.Hnsw, M = 1 }, nameof(IndexBuildOptions.M)),
            (new() { Kind = VectorIndexKind.Hnsw, M = 1025 }, nameof(IndexBuildOptions.M)),
            (new() { Kind = VectorIndexKind.Hnsw, EfConstruction = 0 }, nameof(IndexBuildOptions.EfConstruction)),
        };
        foreach (var (options, setting) in cases)
        {
            var e = Assert.Throws<InvalidSettingException>(() => VectorIndex.Build(s_corpus, options, TestContext.Current.CancellationToken));
            Assert.Equal(setting, e.Setting);
            Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
        }
        // The boundaries are accepted.
        using var m2 = VectorIndex.Build(s_corpus, new IndexBuildOptions { Kind = VectorIndexKind.Hnsw, M = 2, EfConstruction = 1 }, TestContext.Current.CancellationToken);
        using var int8 = VectorIndex.Build(s_corpus, new IndexBuildOptions { Precision = Precision.Int8, Ranges = ranges }, TestContext.Current.CancellationToken);
        Assert.Equal((s_corpus.Count, s_corpus.Count), (m2.Count, int8.Count));
    }

    [Fact]
    public void Append_names_the_rows_when_they_do_not_fit()
    {
        using var index = VectorIndex.Build(s_corpus, new IndexBuildOptions(), TestContext.Current.CancellationToken);
        var narrow = IndexTestData.Clustered(4, 5, 1, keys: true);
        var keyless = IndexTestData.Clustered(4, 12, 1);
        Assert.Equal(VectorIndex.RowsSetting, Assert.Throws<InvalidSettingException>(() => index.Append(narrow, TestContext.Current.CancellationToken)).Setting);
        Assert.Contains("has no keys", Assert.Throws<InvalidSettingException>(() => index.Append(keyless, TestContext.Current.CancellationToken)).Reason, StringComparison.Ordinal);
    }
}

/// <summary>Format 1.3: ids in KEYS with the texts beside them in TEXT, and each row's metadata in META, read back through the map and verified.</summary>
public sealed class SegmentSectionsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ids_texts_and_metadata_read_back(bool hnsw)
    {
        var corpus = IndexTestData.Clustered(50, 8, 3, keys: true).WithKeys([.. Enumerable.Range(0, 50).Select(i => $"id-{i}")]);
        var path = IndexTestData.TempPath();
        try
        {
            using (var index = VectorIndex.Build(corpus, new IndexBuildOptions { Kind = hnsw ? VectorIndexKind.Hnsw : VectorIndexKind.Flat, M = 4, EfConstruction = 20 }, TestContext.Current.CancellationToken))
            {
                index.Model = "all-MiniLM-L6-v2";
                index.Texts = [.. Enumerable.Range(0, 50).Select(i => $"text {i}")];
                index.Metadata = [.. Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? "" : $"{{\"n\":{i}}}")];
                index.Save(path);
            }
            using var opened = VectorIndex.Open(path);
            opened.Verify();
            Assert.Equal(17, opened.Corpus.IndexOf("id-17"));
            Assert.Equal("text 17", opened.Texts![17]);
            Assert.Equal("{\"n\":17}", opened.Metadata![17]);
            Assert.Equal("", opened.Metadata[18]);
            Assert.Contains(opened.Info!.Sections, s => s.Id == "META");
            Assert.True(opened.Info.HasKeys && opened.Info.HasTexts);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
