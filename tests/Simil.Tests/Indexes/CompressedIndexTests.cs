using System.Runtime.InteropServices;
using Simil.Quantization;

namespace Simil.Tests.Indexes;

/// <summary>
/// Indexes over compressed rows: candidates by the codes, scores in float32. Every reported score is
/// the one-to-one kernel's on the float32 row (or on the decoded row when none is kept); with every
/// row a candidate the result is the exact top k; files round-trip bit for bit; appended rows are
/// quantized with the index's own ranges; the codes are what the quantizer gives. Kernel category:
/// rerun on every forced path.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class CompressedIndexTests
{
    public static TheoryData<Precision, string, Metric> Cases()
    {
        var data = new TheoryData<Precision, string, Metric>();
        foreach (var p in new[] { Precision.Float16, Precision.BFloat16, Precision.Int8, Precision.Binary })
            foreach (var kind in new[] { "flat", "hnsw" })
                foreach (var m in new[] { Metric.Cosine, Metric.Dot, Metric.L2Squared })
                    data.Add(p, kind, m);
        return data;
    }

    static VectorIndex Build(EmbeddingMatrix corpus, Metric metric, string kind, IndexCompression compression) => kind == "hnsw"
        ? HnswIndex.Build(corpus, metric, new HnswOptions { M = 8, EfConstruction = 64, Compression = compression }, TestContext.Current.CancellationToken)
        : new FlatIndex(corpus, metric, compression);

    static Neighbor[] Search(VectorIndex index, ReadOnlySpan<float> query, int k, int oversample) => index switch
    {
        HnswIndex h => h.Search(query, k, Math.Max(64, k * oversample), oversample),
        FlatIndex f => f.Search(query, k, oversample),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Clustered rows plus the hard cases: duplicates (ties), a zero row, a very long and a very short row.</summary>
    static EmbeddingMatrix Adversarial(int rows, int dims, int seed)
    {
        var clustered = IndexTestData.Clustered(rows, dims, seed);
        var data = clustered.ToFloat32().Rows.All<float>().ToArray();
        clustered.Rows.Row<float>(3).CopyTo(data.AsSpan(7 * dims, dims));          // row 7 duplicates row 3
        Array.Clear(data, 11 * dims, dims);                                       // row 11 is zero
        for (int t = 0; t < dims; t++)
        {
            data[13 * dims + t] *= 1e3f;                                          // a long row
            data[17 * dims + t] *= 1e-3f;                                         // a short one
        }
        return EmbeddingMatrix.Create(data, dims);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reported_scores_are_float32_scores_and_every_row_as_candidate_gives_the_exact_top_k(Precision precision, string kind, Metric metric)
    {
        var corpus = Adversarial(600, 24, 3);
        var queries = IndexTestData.Clustered(12, 24, 4);
        using var index = Build(corpus, metric, kind, new IndexCompression(precision, KeepFloat32: true));
        var exact = new FlatIndex(corpus, metric);
        Assert.Equal(precision, index.Precision);
        Assert.True(index.HasFloat32);
        for (int q = 0; q < queries.Count; q++)
        {
            var found = Search(index, queries[q], 10, 4);
            Assert.Equal(10, found.Length);
            foreach (var n in found)
                Assert.Equal(Similarity.Compute(metric, corpus[n.Index], queries[q]), n.Score);
            if (kind == "flat")
                Assert.Equal(exact.Search(queries[q], 10), Search(index, queries[q], 10, corpus.Count));
        }
        // Rows themselves as queries: the row (or its duplicate, tied) comes back first under l2sq. (Not
        // int8: the long row's range makes every ordinary row's codes nearly alike, as it would in use.)
        if (metric == Metric.L2Squared && kind == "flat" && precision != Precision.Int8)
            foreach (int row in new[] { 0, 3, 13, 17 })
                Assert.Equal(0f, Search(index, corpus[row], 1, 4)[0].Score);
    }

    public static TheoryData<Precision, Metric> ScanCases()
    {
        var data = new TheoryData<Precision, Metric>();
        foreach (var p in new[] { Precision.Float16, Precision.BFloat16, Precision.Int8, Precision.Binary })
            foreach (var m in new[] { Metric.Cosine, Metric.Dot, Metric.L2Squared })
                data.Add(p, m);
        return data;
    }

    [Theory]
    [MemberData(nameof(ScanCases))]
    public unsafe void The_candidate_scan_is_the_plain_order_of_the_codes_distances(Precision precision, Metric metric)
    {
        // Many duplicates (ties at every distance), a zero row, extreme lengths; 70,000 rows take the parallel path.
        var rows = Adversarial(600, 24, 17);
        var data = new float[70_000 * 24];
        for (int r = 0; r < 70_000; r++)
            rows[r % 600].CopyTo(data.AsSpan(r * 24, 24));
        var corpus = EmbeddingMatrix.Create(data, 24);
        var codes = Simil.Search.Compressed.CompressedVectors.Encode(corpus, precision);
        var norms = VectorIndex.ComputeNorms(corpus);
        var query = IndexTestData.Clustered(1, 24, 18)[0].ToArray();
        fixed (float* n = norms)
        {
            var scorer = Simil.Search.Compressed.CodeScorer.Create(codes, metric, query, n);
            var expected = Enumerable.Range(0, corpus.Count).Select(i => (Distance: scorer.Distance(i), Row: i))
                .OrderBy(x => x.Distance).ThenBy(x => x.Row).Take(37).Select(x => x.Row).ToArray();
            Assert.Equal(expected, Simil.Search.Compressed.CompressedSearch.Scan(codes, metric, query, 37, n));
        }
    }

    [Theory]
    [InlineData(Precision.Float16)]
    [InlineData(Precision.BFloat16)]
    [InlineData(Precision.Int8)]
    [InlineData(Precision.Binary)]
    public void Without_float32_rows_the_scores_are_those_of_the_decoded_rows(Precision precision)
    {
        var corpus = Adversarial(300, 20, 5);
        var query = IndexTestData.Clustered(1, 20, 6)[0].ToArray();
        using var index = new FlatIndex(corpus, Metric.Cosine, new IndexCompression(precision));
        Assert.False(index.HasFloat32);
        var path = IndexTestData.TempPath();
        try
        {
            index.Save(path);
            using var opened = VectorIndex.Open(path);
            Assert.Equal(precision, opened.Precision);
            Assert.False(opened.HasFloat32);
            Assert.DoesNotContain(opened.Info!.Sections, s => s.Id == "RSCR");
            var inMemory = index.Search(query, 10);
            Assert.Equal(inMemory, opened.Search(query, 10));
            // The opened index's rows are the decoded codes: each reported score is the kernel's on them.
            foreach (var n in inMemory)
                Assert.Equal(Similarity.Cosine(opened.Corpus[n.Index], query), n.Score);
            // float16 and bfloat16 decode exactly: the decoded row is the float32 row narrowed and widened.
            if (precision is Precision.Float16 or Precision.BFloat16)
                for (int r = 0; r < corpus.Count; r++)
                    for (int t = 0; t < 20; t++)
                        Assert.Equal(precision == Precision.Float16 ? (float)(Half)corpus[r][t] : (float)(BFloat16)corpus[r][t], opened.Corpus[r][t]);
            if (precision == Precision.Binary)
                Assert.All(opened.Corpus[0].ToArray(), v => Assert.True(v is 1f or -1f));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(Precision.Int8, "flat")]
    [InlineData(Precision.Int8, "hnsw")]
    [InlineData(Precision.Binary, "hnsw")]
    [InlineData(Precision.BFloat16, "flat")]
    public void A_file_round_trips_and_answers_as_in_memory(Precision precision, string kind)
    {
        var corpus = IndexTestData.Clustered(500, 32, 7, keys: true);
        var queries = IndexTestData.Clustered(20, 32, 8);
        using var index = Build(corpus, Metric.Cosine, kind, new IndexCompression(precision, KeepFloat32: true));
        var path = IndexTestData.TempPath();
        try
        {
            index.Save(path);
            using var opened = VectorIndex.Open(path);
            opened.Verify();
            Assert.Equal(precision.Name(), opened.Info!.Precision);
            Assert.True(opened.HasFloat32);
            Assert.Equal(corpus.Keys, opened.Corpus.Keys);
            for (int q = 0; q < queries.Count; q++)
                Assert.Equal(Search(index, queries[q], 10, 4), Search(opened, queries[q], 10, 4));
            var json = opened.Info.ToJson();
            Assert.Contains($"\"precision\":\"{precision.Name()}\"", json);
            Assert.Contains("\"rescore\":true", json);
            Assert.Contains("\"RSCR\":", json);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Int8_codes_are_the_quantizers_and_appended_rows_use_the_index_ranges()
    {
        var corpus = IndexTestData.Clustered(200, 16, 9);
        var more = IndexTestData.Clustered(50, 16, 10);
        var ranges = QuantizationRanges.Of(IndexTestData.Clustered(100, 16, 11));
        using var index = new FlatIndex(corpus, Metric.L2Squared, new IndexCompression(Precision.Int8, false, ranges));
        var path = IndexTestData.TempPath();
        try
        {
            index.Append(more, TestContext.Current.CancellationToken).Save(path);
            using var opened = VectorIndex.Open(path);
            Assert.Equal(250, opened.Count);
            var expected = Quantizer.ToInt8Saturating(Appending(corpus, more), ranges);
            Assert.Equal(MemoryMarshal.AsBytes(expected.AsSpan()).ToArray(), File.ReadAllBytes(path).AsSpan(CodesOffset(opened), expected.Length).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    static EmbeddingMatrix Appending(EmbeddingMatrix a, EmbeddingMatrix b)
    {
        var all = a.Rows.All<float>().ToArray().Concat(b.Rows.All<float>().ToArray()).ToArray();
        return EmbeddingMatrix.Create(all, a.Dimensions);
    }

    /// <summary>Where VECT starts: the first section, right after the header's padding.</summary>
    static int CodesOffset(VectorIndex opened) => (int)Simil.Indexes.IndexFormat.Align(
        Simil.Indexes.IndexFormat.PreambleBytes + opened.Info!.Sections.Count * Simil.Indexes.IndexFormat.TableEntryBytes + opened.Info.HeaderBytes);

    [Fact]
    public void Saturating_int8_codes_clamp_where_numpy_wraps_and_agree_inside_the_ranges()
    {
        var ranges = new QuantizationRanges([0f, 0f], [255f, 255f]);
        var rows = EmbeddingMatrix.Create([-10f, 300f, 3.7f, 254.9f, float.NaN, 128f], 2);
        Assert.Equal([(sbyte)-128, (sbyte)127, (sbyte)-124, (sbyte)126, (sbyte)0, (sbyte)0], Quantizer.ToInt8Saturating(rows, ranges));
        var wrapped = Quantizer.ToInt8(rows, ranges);
        Assert.Equal(wrapped[2..4], Quantizer.ToInt8Saturating(rows, ranges)[2..4]);
        Assert.NotEqual((sbyte)127, wrapped[1]);
    }

    [Fact]
    public void Hnsw_append_on_a_compressed_index_keeps_old_codes_and_finds_new_rows()
    {
        var corpus = IndexTestData.Clustered(300, 16, 12);
        var more = IndexTestData.Clustered(100, 16, 13);
        using var index = HnswIndex.Build(corpus, Metric.Cosine, new HnswOptions { M = 8, Compression = new IndexCompression(Precision.Int8, true) }, TestContext.Current.CancellationToken);
        var appended = index.Append(more, TestContext.Current.CancellationToken);
        Assert.Equal(Precision.Int8, appended.Precision);
        for (int r = 0; r < more.Count; r += 10)
            Assert.Equal(300 + r, appended.Search(more[r], 1)[0].Index);
    }

    [Fact]
    public void Unsupported_settings_are_refused()
    {
        var corpus = IndexTestData.Clustered(10, 8, 14);
        Assert.Throws<ArgumentException>(() => new FlatIndex(corpus, Metric.L1, new IndexCompression(Precision.Int8)));
        Assert.Throws<ArgumentException>(() => new FlatIndex(corpus, Metric.Cosine, new IndexCompression(Precision.UInt8)));
        using var index = new FlatIndex(corpus, Metric.Cosine, new IndexCompression(Precision.Int8));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(corpus[0], 3, 0));
    }

    [Fact]
    public void Rescored_int8_and_binary_find_most_of_the_true_neighbours()
    {
        var corpus = IndexTestData.Clustered(3000, 64, 15);
        var queries = IndexTestData.Clustered(50, 64, 16);
        var exact = new FlatIndex(corpus, Metric.Cosine);
        var truth = Enumerable.Range(0, queries.Count).Select(q => exact.Search(queries[q], 10)).ToArray();
        foreach (var (precision, least) in new[] { (Precision.Float16, 0.99), (Precision.Int8, 0.95), (Precision.Binary, 0.8) })
        {
            using var index = new FlatIndex(corpus, Metric.Cosine, new IndexCompression(precision, true));
            var found = Enumerable.Range(0, queries.Count).Select(q => index.Search(queries[q], 10)).ToArray();
            double recall = IndexTestData.Recall(found, truth);
            Assert.True(recall >= least, $"{precision}: recall@10 {recall} below {least}");
        }
    }
}
