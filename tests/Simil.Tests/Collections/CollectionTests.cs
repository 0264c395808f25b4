using Simil.Collections;
using Simil.Filters;

namespace Simil.Tests.Collections;

/// <summary>
/// Collections (issue 22): upsert replaces by id, delete by id or filter, get by id; a snapshot
/// sees the log and the segments alike, across flushes and compaction, and its searches equal an
/// exact search over the live rows; a torn log tail is cut; a reader keeps its snapshot while a
/// writer flushes and compacts.
/// </summary>
public sealed class CollectionTests : IDisposable
{
    const int Dims = 12;
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"simil-coll-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, true);
    }

    static float[] Vector(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Dims).Select(_ => (float)(random.NextDouble() * 2 - 1))];
    }

    static CollectionRow Row(int i, int version = 0) =>
        new($"doc-{i}", Vector(i * 7919 + version), $"{{\"n\":{i},\"lang\":\"{(i % 3 == 0 ? "pt" : "en")}\",\"v\":{version}}}", $"text {i} v{version}");

    /// <summary>The exact top k over <paramref name="live"/> by a float64 reference, ties to the id order given.</summary>
    static string[] Exact(IReadOnlyDictionary<string, CollectionRow> live, float[] query, int k, Filter? filter = null) =>
        [.. live.Values.Where(r => filter is null || filter.Matches(r.Metadata))
            .Select(r => (r.Id, Score: Enumerable.Range(0, Dims).Sum(d => (double)query[d] * r.Vector[d]) / Math.Sqrt(Enumerable.Range(0, Dims).Sum(d => (double)r.Vector[d] * r.Vector[d]) * Enumerable.Range(0, Dims).Sum(d => (double)query[d] * query[d]))))
            .OrderByDescending(x => x.Score).Take(k).Select(x => x.Id)];

    void AssertMatches(Dictionary<string, CollectionRow> live, Filter? filter = null)
    {
        using var snapshot = Collection.Open(_folder);
        Assert.Equal(live.Count, snapshot.Count);
        foreach (var (id, row) in live)
        {
            var got = snapshot.Get(id);
            Assert.NotNull(got);
            Assert.Equal(row.Vector, got.Vector);
            Assert.Equal(row.Metadata, got.Metadata);
            Assert.Equal(row.Text, got.Text);
        }
        for (int q = 0; q < 8; q++)
        {
            var query = Vector(-q - 1);
            var hits = snapshot.Search(query, 10, filter, exact: true);
            Assert.Equal(Exact(live, query, 10, filter), hits.Select(h => h.Id));
            Assert.Equal(hits.Length, hits.Select(h => h.Id).Distinct().Count());
            foreach (var h in hits)
                Assert.Equal(Similarity.Cosine(query, live[h.Id].Vector), h.Score);
        }
    }

    [Theory]
    [InlineData(VectorIndexKind.Flat)]
    [InlineData(VectorIndexKind.Hnsw)]
    public void Upserts_and_deletes_across_flushes_and_compaction_keep_exactly_the_live_rows(VectorIndexKind kind)
    {
        CollectionWriter.Create(_folder, Dims, new IndexBuildOptions { Kind = kind, M = 6, EfConstruction = 40 }, flushRows: 50);
        var live = new Dictionary<string, CollectionRow>();
        using (var writer = CollectionWriter.Open(_folder))
        {
            for (int batch = 0; batch < 6; batch++)
            {
                var rows = Enumerable.Range(batch * 25, 25).Select(i => Row(i)).ToList();
                Assert.Equal(0, writer.Upsert(rows));
                rows.ForEach(r => live[r.Id] = r);
            }
        }
        AssertMatches(live);
        using (var snapshot = Collection.Open(_folder))
            Assert.True(snapshot.Segments.Count >= 2, $"{snapshot.Segments.Count} segments after 150 rows with flushes at 50");

        using (var writer = CollectionWriter.Open(_folder))
        {
            // Replace some rows in old segments and in the log; delete by id and by filter.
            var changed = new[] { 3, 40, 77, 149 }.Select(i => Row(i, version: 1)).ToList();
            Assert.Equal(4, writer.Upsert(changed));
            changed.ForEach(r => live[r.Id] = r);
            Assert.Equal(2, writer.Delete(["doc-5", "doc-120", "no-such-id"]));
            live.Remove("doc-5");
            live.Remove("doc-120");
            var filter = Filter.Parse("""{"n":{"$gte":130,"$lt":140}}""");
            Assert.Equal(10, writer.DeleteWhere(filter));
            foreach (var id in live.Keys.Where(id => int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture) is >= 130 and < 140).ToList())
                live.Remove(id);
        }
        AssertMatches(live);
        AssertMatches(live, Filter.Parse("""{"lang":"pt"}"""));

        using (var writer = CollectionWriter.Open(_folder))
        {
            writer.Flush(TestContext.Current.CancellationToken);
            writer.Compact(TestContext.Current.CancellationToken);
            Assert.Single(writer.State.Segments);
            Assert.Equal(0, writer.State.Deleted);
        }
        AssertMatches(live);
        AssertMatches(live, Filter.Parse("""{"v":1}"""));
        // Only the live files remain.
        var names = Directory.EnumerateFiles(_folder).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order().ToList();
        using (var snapshot = Collection.Open(_folder))
        {
            var m = snapshot.Manifest!;
            Assert.Equal(new[] { "CURRENT", "LOCK", m.FileName, m.Log, m.Segments[0].File }.Order(), names);
        }
    }

    /// <summary>
    /// A snapshot knows when it is no longer current; a writer's state handed back (Detach) is taken up
    /// by the next writer of this process only while no other writer has written, through flushes too.
    /// </summary>
    [Fact]
    public void A_detached_writer_state_is_reused_only_while_current()
    {
        CollectionWriter.Create(_folder, Dims, new IndexBuildOptions(), flushRows: 3);
        using var snapshot = Collection.Open(_folder);
        Assert.True(snapshot.IsCurrent());
        var first = CollectionWriter.Open(_folder);
        first.Upsert([Row(1)]);
        var state = first.Detach();
        Assert.False(snapshot.IsCurrent());
        Assert.True(state.IsCurrent());

        // Another writer writes: the detached state is stale and is read again.
        using (var other = CollectionWriter.Open(_folder))
            other.Upsert([Row(2)]);
        Assert.False(state.IsCurrent());
        var second = CollectionWriter.Open(_folder, null, null, state);
        Assert.NotSame(state, second.State);
        Assert.True(second.State.Contains("doc-2") && second.State.Contains("doc-1"));
        second.Upsert([Row(3)]);   // the third row: a flush into a segment and a new log
        state = second.Detach();
        Assert.True(state.IsCurrent());
        Assert.Equal(0, state.LogRows);

        // Nobody else wrote: the same state goes on, and what it writes is what a reader reads.
        var third = CollectionWriter.Open(_folder, null, null, state);
        Assert.Same(state, third.State);
        third.Upsert([Row(4), Row(1, version: 1)]);
        third.Delete(["doc-2"]);
        state = third.Detach();
        using (var fresh = Collection.Open(_folder))
        {
            Assert.Equal(["doc-1", "doc-3", "doc-4"], fresh.Ids().Order(StringComparer.Ordinal));
            Assert.Equal(Row(1, version: 1).Vector, fresh.Get("doc-1")!.Vector);
            Assert.Equal(fresh.Ids().Order(StringComparer.Ordinal), state.Ids().Order(StringComparer.Ordinal));
        }
        state.Dispose();
    }

    [Fact]
    public void A_flush_past_the_deleted_fraction_compacts()
    {
        CollectionWriter.Create(_folder, Dims, new IndexBuildOptions(), flushRows: 20);
        var live = new Dictionary<string, CollectionRow>();
        using (var writer = CollectionWriter.Open(_folder))
        {
            var rows = Enumerable.Range(0, 40).Select(i => Row(i)).ToList();
            writer.Upsert(rows);
            rows.ForEach(r => live[r.Id] = r);
            Assert.Equal(15, writer.Delete([.. Enumerable.Range(0, 15).Select(i => $"doc-{i}")]));
            Enumerable.Range(0, 15).ToList().ForEach(i => live.Remove($"doc-{i}"));
            Assert.True(writer.State.Deleted > 0);
            // The next flush finds 15 of the 60 segment rows deleted (over 20 %): it compacts.
            var more = Enumerable.Range(100, 20).Select(i => Row(i)).ToList();
            writer.Upsert(more);
            more.ForEach(r => live[r.Id] = r);
            Assert.Single(writer.State.Segments);
            Assert.Equal(0, writer.State.Deleted);
        }
        AssertMatches(live);
    }

    [Fact]
    public void A_torn_log_tail_is_cut_and_the_records_before_it_stay()
    {
        CollectionWriter.Create(_folder, Dims, new IndexBuildOptions());
        string log;
        using (var writer = CollectionWriter.Open(_folder))
        {
            writer.Upsert([Row(1), Row(2)]);
            writer.Upsert([Row(3)]);
            log = Path.Combine(_folder, writer.State.Manifest!.Log);
        }
        var bytes = File.ReadAllBytes(log);
        File.WriteAllBytes(log, bytes[..^5]);   // the last write torn
        using (var snapshot = Collection.Open(_folder))
        {
            Assert.Equal(2, snapshot.Count);
            Assert.Null(snapshot.Get("doc-3"));
        }
        using (var writer = CollectionWriter.Open(_folder))
            writer.Upsert([Row(4)]);
        using (var snapshot = Collection.Open(_folder))
            Assert.Equal(["doc-1", "doc-2", "doc-4"], snapshot.Ids().Order());
    }

    [Fact]
    public void A_reader_keeps_its_snapshot_while_a_writer_flushes_and_compacts()
    {
        CollectionWriter.Create(_folder, Dims, new IndexBuildOptions { Kind = VectorIndexKind.Hnsw, M = 6, EfConstruction = 30 }, flushRows: 20);
        using (var writer = CollectionWriter.Open(_folder))
            writer.Upsert([.. Enumerable.Range(0, 60).Select(i => Row(i))]);
        using var reader = Collection.Open(_folder);
        var query = Vector(99);
        var before = reader.Search(query, 10, exact: true).Select(h => h.Id).ToList();
        using (var writer = CollectionWriter.Open(_folder))
        {
            writer.Delete([.. before.Take(5)]);
            writer.Upsert([.. Enumerable.Range(60, 30).Select(i => Row(i))]);
            writer.Compact(TestContext.Current.CancellationToken);
        }
        Assert.Equal(before, reader.Search(query, 10, exact: true).Select(h => h.Id));
        Assert.Equal(60, reader.Count);
        using var fresh = Collection.Open(_folder);
        Assert.Equal(85, fresh.Count);
        Assert.DoesNotContain(fresh.Search(query, 10), h => before.Take(5).Contains(h.Id));
    }

    [Fact]
    public void A_single_index_file_reads_as_a_collection_and_says_how_to_change_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-one-{Guid.NewGuid():N}.simil");
        try
        {
            var rows = Enumerable.Range(0, 30).Select(i => Row(i)).ToList();
            var data = rows.SelectMany(r => r.Vector).ToArray();
            using (var index = new FlatIndex(EmbeddingMatrix.Create(data, Dims, [.. rows.Select(r => r.Id)]), Metric.Cosine))
                index.Save(path);
            using (var single = Collection.Open(path))
            {
                Assert.True(single.IsSingleFile);
                Assert.Equal(30, single.Count);
                Assert.Equal(rows[7].Vector, single.Get("doc-7")!.Vector);
                var query = Vector(5);
                Assert.Equal(Exact(rows.ToDictionary(r => r.Id), query, 5), single.Search(query, 5).Select(h => h.Id));
            }
            var e = Assert.Throws<InputException>(() => CollectionWriter.Open(path));
            Assert.Contains("build a collection (a folder) from it", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);   // the library names no flag
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_writes_are_refused_whole()
    {
        CollectionWriter.Create(_folder, Dims, new IndexBuildOptions());
        using var writer = CollectionWriter.Open(_folder);
        Assert.Throws<InvalidSettingException>(() => writer.Upsert([Row(1), Row(1)]));
        Assert.Throws<InvalidSettingException>(() => writer.Upsert([Row(2), new CollectionRow("short", [1f, 2f])]));
        Assert.Throws<InvalidSettingException>(() => writer.Upsert([new CollectionRow("", Vector(1))]));
        Assert.Throws<InvalidSettingException>(() => writer.Upsert([new CollectionRow("x", Vector(1), "[1,2]")]));
        Assert.Equal(0, writer.State.Count);
        Assert.Throws<InputException>(() => CollectionWriter.Create(_folder, Dims, new IndexBuildOptions()));
    }
}
