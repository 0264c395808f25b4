namespace Simil.Tests.Indexes;

/// <summary>Index files: written, mapped and searched with the same answers, bit for bit, as the in-memory index.</summary>
public sealed class IndexFileTests
{
    public static TheoryData<Metric> Metrics() => [.. MetricInfo.All];

    [Theory]
    [MemberData(nameof(Metrics))]
    public void A_mapped_flat_index_answers_bit_for_bit_as_in_memory(Metric metric)
    {
        var corpus = IndexTestData.Clustered(700, 24, 1, keys: true);
        var queries = IndexTestData.Clustered(20, 24, 2);
        var memory = new FlatIndex(corpus, metric);
        var path = IndexTestData.TempPath();
        try
        {
            memory.Save(path);
            using var mapped = VectorIndex.Open(path);
            mapped.Verify();
            Assert.IsType<FlatIndex>(mapped);
            Assert.Equal((700, 24, metric), (mapped.Count, mapped.Dimensions, mapped.Metric));
            Assert.Equal(corpus.Keys!, mapped.Corpus.Keys!);
            Assert.Equal(42, mapped.Corpus.IndexOf("row-42-é"));
            for (int q = 0; q < queries.Count; q++)
                Assert.Equal(memory.Search(queries[q], 15), mapped.Search(queries[q], 15));
            Assert.Equal(memory.Search(queries, 7), ((FlatIndex)mapped).Search(queries, 7));
            var info = mapped.Info!;
            Assert.Equal(("flat", "float32", (string?)null, new FileInfo(path).Length), (info.Kind, info.Precision, info.Model, info.Bytes));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Texts_are_saved_as_texts_with_their_model()
    {
        var corpus = IndexTestData.Clustered(10, 8, 3, keys: true);
        var path = IndexTestData.TempPath();
        try
        {
            new FlatIndex(corpus, Metric.Cosine) { Model = "all-MiniLM-L6-v2" }.Save(path);
            using var index = VectorIndex.Open(path);
            Assert.Equal("all-MiniLM-L6-v2", index.Model);
            Assert.True(index.Info!.HasTexts);
            Assert.False(index.Info.HasKeys);
            Assert.Equal(corpus.Keys!, index.Corpus.Keys!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_same_input_gives_the_same_bytes()
    {
        var corpus = IndexTestData.Clustered(300, 16, 4, keys: true);
        string a = IndexTestData.TempPath(), b = IndexTestData.TempPath();
        try
        {
            HnswIndex.Build(corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 40 }, TestContext.Current.CancellationToken).Save(a);
            HnswIndex.Build(corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 40 }, TestContext.Current.CancellationToken).Save(b);
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            HnswIndex.Build(corpus, Metric.Cosine, new HnswOptions { M = 8, EfConstruction = 40, Seed = 7 }, TestContext.Current.CancellationToken).Save(b);
            Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
        }
        finally
        {
            File.Delete(a);
            File.Delete(b);
        }
    }

    [Fact]
    public void The_file_is_the_vectors_and_keys_plus_at_most_40_words_a_row()
    {
        var corpus = IndexTestData.Clustered(5000, 64, 5, keys: true);
        var path = IndexTestData.TempPath();
        try
        {
            HnswIndex.Build(corpus, Metric.L2Squared, new HnswOptions { M = 16, EfConstruction = 32 }, TestContext.Current.CancellationToken).Save(path);
            using var index = VectorIndex.Open(path);
            long vectors = 5000L * 64 * 4;
            long keyTable = index.Info!.Sections.Single(s => s.Id == "KHSH").Bytes;
            // The key table: a power of two of 8-byte slots, at least 2 a key, so under 4 a key.
            Assert.True(keyTable < 5000L * 4 * 8, $"{keyTable} bytes of key table");
            long keys = index.Info.Sections.Single(s => s.Id == "KEYS").Bytes + keyTable;
            Assert.Equal(vectors, index.Info.Sections.Single(s => s.Id == "VECT").Bytes);
            // M = 16 at 64 dimensions: the graph (33 words a node) is half the vectors; at 384 it is under 10 %.
            Assert.True(index.Info.Bytes < vectors + keys + 5000L * 4 * 40, $"{index.Info.Bytes} bytes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_reader_that_has_the_old_file_keeps_reading_it_after_a_save_replaces_it()
    {
        var first = IndexTestData.Clustered(200, 8, 6);
        var second = IndexTestData.Clustered(50, 8, 7);
        var path = IndexTestData.TempPath();
        try
        {
            new FlatIndex(first, Metric.Dot).Save(path);
            using var old = VectorIndex.Open(path);
            var before = old.Search(first[3], 5);
            new FlatIndex(second, Metric.Dot).Save(path);
            Assert.Equal(before, old.Search(first[3], 5));
            old.Verify();
            using var fresh = VectorIndex.Open(path);
            Assert.Equal(50, fresh.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_opened_index_gives_its_rows_pages_back_and_reads_them_again_the_same()
    {
        var corpus = IndexTestData.Clustered(3000, 700, 9);
        var path = IndexTestData.TempPath();
        try
        {
            new FlatIndex(corpus, Metric.Dot).Save(path);
            using var index = VectorIndex.Open(path);
            static long Resident() => File.ReadLines("/proc/self/status").Where(l => l.StartsWith("RssFile:", StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture)).Single();
            double sum = 0;
            for (int r = 0; r < index.Count; r++)
                sum += index.Corpus[r][699];
            long touched = Resident();
            index.Corpus.Rows.Release(0, index.Count);
            long released = Resident();
            Assert.True(touched - released > 6_000, $"RssFile {touched} kB → {released} kB");
            for (int r = 0; r < index.Count; r++)
                Assert.Equal(corpus[r].ToArray(), index.Corpus[r].ToArray());
            Assert.True(double.IsFinite(sum));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
