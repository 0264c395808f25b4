using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.VectorData;
using Simil.Collections;

namespace Simil.VectorData.Tests;

public sealed class Article
{
    [VectorStoreKey]
    public ulong Id { get; set; }

    [VectorStoreData]
    public string Lang { get; set; } = "";

    [VectorStoreData]
    public int Year { get; set; }

    [VectorStoreData]
    public string[] Tags { get; set; } = [];

    [VectorStoreVector(16, DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Hnsw)]
    public float[]? Embedding { get; set; }
}

/// <summary>
/// The store on Simil collections (<c>docs/vectordata.md</c>): a write appends to the collection's
/// log and rewrites nothing; filtered HNSW searches equal a brute-force ranking of the records the
/// filter keeps; records without a vector are left out of searches without turning the index off;
/// ulong keys past long's range; one writer lock across collection objects and processes (two
/// writer processes × 1,000 single-record upserts, a reader searching throughout); a folder in the
/// first on-disk form is moved once.
/// </summary>
public sealed class CollectionStoreTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"simil-cstore-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    static float[] VectorOf(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 16).Select(_ => random.NextSingle() * 2 - 1)];
    }

    static Article[] Articles(int count) => [.. Enumerable.Range(0, count).Select(i => new Article
    {
        Id = ulong.MaxValue - (ulong)i,
        Lang = (i % 3) switch { 0 => "pt", 1 => "en", _ => "es" },
        Year = 2000 + i % 25,
        Tags = i % 7 == 0 ? ["news", "x"] : ["blog"],
        // Every 10th record has no vector.
        Embedding = i % 10 == 9 ? null : VectorOf(i),
    })];

    SimilVectorStore Store(int flushRows = 4_096) => new(_folder, new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false, FlushRows = flushRows });

    [Fact]
    public async Task A_write_appends_to_the_log_and_rewrites_no_segment()
    {
        var token = TestContext.Current.CancellationToken;
        using var store = Store();
        var collection = store.GetCollection<ulong, Article>("articles");
        await collection.EnsureCollectionExistsAsync(token);
        await collection.UpsertAsync(Articles(5_000), token);
        using (var writer = CollectionWriter.Open(collection.RowsFolder))
            writer.Flush(token);
        var before = Directory.GetFiles(collection.RowsFolder, "seg-*").ToDictionary(f => f, f => File.GetLastWriteTimeUtc(f));
        Assert.Single(before);

        await collection.UpsertAsync(new Article { Id = 7, Lang = "pt", Year = 2024, Embedding = VectorOf(99) }, token);
        await collection.DeleteAsync(ulong.MaxValue, token);

        var after = Directory.GetFiles(collection.RowsFolder, "seg-*").ToDictionary(f => f, f => File.GetLastWriteTimeUtc(f));
        Assert.Equal(before, after);
        using var snapshot = Collection.Open(collection.RowsFolder);
        Assert.Equal(2, snapshot.LogRows + (int)snapshot.Deleted);
        Assert.Equal(5_000, snapshot.Count);
        Assert.Equal(2024, (await collection.GetAsync(7UL, cancellationToken: token))!.Year);
        Assert.Null(await collection.GetAsync(ulong.MaxValue, cancellationToken: token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Filtered_searches_equal_a_brute_force_ranking_of_the_kept_records_with_vectors(bool flushed)
    {
        var token = TestContext.Current.CancellationToken;
        using var store = Store();
        var collection = store.GetCollection<ulong, Article>("articles");
        await collection.EnsureCollectionExistsAsync(token);
        var articles = Articles(2_000);
        await collection.UpsertAsync(articles, token);
        if (flushed)
        {
            using var writer = CollectionWriter.Open(collection.RowsFolder);
            writer.Flush(token);
        }
        var query = VectorOf(12_345);
        var filters = new (System.Linq.Expressions.Expression<Func<Article, bool>> Filter, Func<Article, bool> Keeps)[]
        {
            (a => a.Lang == "pt", a => a.Lang == "pt"),
            (a => a.Lang != "pt" && a.Year >= 2010, a => a.Lang != "pt" && a.Year >= 2010),
            (a => a.Tags.Contains("news") || a.Year < 2002, a => a.Tags.Contains("news") || a.Year < 2002),
            (a => new[] { "es", "en" }.Contains(a.Lang) && !(a.Year == 2003), a => (a.Lang == "es" || a.Lang == "en") && a.Year != 2003),
            (a => a.Id > ulong.MaxValue - 100, a => a.Id > ulong.MaxValue - 100),
        };
        foreach (var (filter, keeps) in filters)
        {
            var expected = articles.Where(a => a.Embedding is not null && keeps(a))
                .Select(a => (a.Id, Score: Similarity.Compute(Metric.Cosine, query, a.Embedding)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Id).Take(10).ToList();
            var found = await collection.SearchAsync(query, 10, new() { Filter = filter, IncludeVectors = true }, token).ToListAsync(token);
            Assert.Equal(expected.Select(x => x.Id), found.Select(r => r.Record.Id));
            Assert.Equal(expected.Select(x => (double)x.Score), found.Select(r => r.Score!.Value));
            Assert.All(found, r => Assert.Equal(articles.Single(a => a.Id == r.Record.Id).Embedding, r.Record.Embedding));
        }
        // No filter: every record with a vector competes, none without.
        var all = await collection.SearchAsync(query, 2_000, cancellationToken: token).ToListAsync(token);
        Assert.Equal(articles.Count(a => a.Embedding is not null), all.Count);
        var nulls = await collection.GetAsync(a => a.Year >= 0, 5_000, new() { IncludeVectors = true }, token).Where(a => a.Embedding is null).CountAsync(token);
        Assert.Equal(200, nulls);
    }

    [Fact]
    public async Task Two_collection_objects_in_one_process_lose_no_write()
    {
        var token = TestContext.Current.CancellationToken;
        using var store = Store(flushRows: 64);
        var first = store.GetCollection<ulong, Article>("articles");
        await first.EnsureCollectionExistsAsync(token);
        using var other = Store(flushRows: 64);
        var second = other.GetCollection<ulong, Article>("articles");
        await Task.WhenAll(
            Task.Run(async () => { for (ulong i = 0; i < 300; i++) await first.UpsertAsync(new Article { Id = i, Embedding = VectorOf((int)i) }, token); }, token),
            Task.Run(async () => { for (ulong i = 1_000; i < 1_300; i++) await second.UpsertAsync(new Article { Id = i, Embedding = VectorOf((int)i) }, token); }, token));
        var ids = await first.GetAsync(a => true, 10_000, cancellationToken: token).Select(a => a.Id).ToListAsync(token);
        Assert.Equal([.. Enumerable.Range(0, 300).Select(i => (ulong)i), .. Enumerable.Range(1_000, 300).Select(i => (ulong)i)], ids.Order());
    }

    /// <summary>
    /// Two writer processes upsert disjoint ids 1,000 times each, one record a write (flushing every
    /// 256 rows, so flushes and compactions run under the other's feet), while this process searches
    /// and reads throughout: every record read is whole (its vector is the one its writer stamped),
    /// the count never goes back, and at the end every write is there.
    /// </summary>
    [Fact]
    public async Task Two_writer_processes_and_a_reader_lose_nothing_and_see_whole_snapshots()
    {
        var token = TestContext.Current.CancellationToken;
        using (var store = new SimilVectorStore(_folder, new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false, FlushRows = 256 }))
            await store.GetCollection<int, Stamped>("shared").EnsureCollectionExistsAsync(token);
        var writers = new[] { (1, 0), (2, 10_000) }.Select(w =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Simil.VectorData.Writer.dll"), _folder, "concurrent", $"{w.Item1}", $"{w.Item2}", "1000" })
                start.ArgumentList.Add(arg);
            return Process.Start(start)!;
        }).ToList();
        using var reader = new SimilVectorStore(_folder, new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false });
        var collection = reader.GetCollection<int, Stamped>("shared");
        int reads = 0, last = 0;
        while (writers.Any(w => !w.HasExited))
        {
            var seen = await collection.GetAsync(r => true, 100_000, new() { IncludeVectors = true }, token).ToListAsync(token);
            Assert.True(seen.Count >= last, $"a read saw {seen.Count} records after one saw {last}");
            last = seen.Count;
            Assert.All(seen, r => Assert.Equal(Stamped.VectorFor(r.Id, r.Round), r.Vector));
            if (seen.Count > 0)
            {
                var hits = await collection.SearchAsync(Stamped.VectorFor(seen[^1].Id, seen[^1].Round), 5, cancellationToken: token).ToListAsync(token);
                Assert.Equal(seen[^1].Id, hits[0].Record.Id);
            }
            reads++;
        }
        foreach (var w in writers)
        {
            await w.WaitForExitAsync(token);
            Assert.True(w.ExitCode == 0, await w.StandardError.ReadToEndAsync(token));
            Assert.Equal("done", (await w.StandardOutput.ReadToEndAsync(token)).Trim());
        }
        var all = await collection.GetAsync(r => true, 100_000, new() { IncludeVectors = true }, token).ToListAsync(token);
        Assert.Equal([.. Enumerable.Range(0, 1_000), .. Enumerable.Range(10_000, 1_000)], all.Select(r => r.Id).Order());
        Assert.All(all, r => Assert.Equal(r.Id < 10_000 ? 1 : 2, r.Round));
        TestContext.Current.TestOutputHelper?.WriteLine($"{reads} reads while the writers ran");
        Assert.True(reads > 1, "the reader never read while the writers ran");
        using var snapshot = Collection.Open(collection.RowsFolder);
        Assert.Equal(2_000, snapshot.Count);
    }

    /// <summary>A collection written in the first on-disk form (manifest, records and an index file per vector property) is moved once, records intact.</summary>
    [Fact]
    public async Task A_folder_in_the_first_form_is_moved_into_a_collection()
    {
        var token = TestContext.Current.CancellationToken;
        string folder = Path.Combine(_folder, "old");
        Directory.CreateDirectory(folder);
        var vectors = new float[3 * 16];
        VectorOf(1).CopyTo(vectors, 0);
        VectorOf(2).CopyTo(vectors, 32);   // row 1 has no vector: zeros, listed under "null"
        new FlatIndex(EmbeddingMatrix.Create(vectors, 16), Metric.Cosine).Save(Path.Combine(folder, "vector0-1.simil"));
        File.WriteAllLines(Path.Combine(folder, "records-1.jsonl"),
        [
            """{"key":1,"data":{"Lang":"pt","Year":2001,"Tags":["a"]},"null":[]}""",
            """{"key":2,"data":{"Lang":"en","Year":2002,"Tags":[]},"null":[0]}""",
            """{"key":3,"data":{"Lang":"es","Year":2003,"Tags":["b"]},"null":[]}""",
        ]);
        var manifest = new JsonObject
        {
            ["format"] = 1, ["generation"] = 1, ["count"] = 3,
            ["key"] = new JsonObject { ["name"] = "Id", ["type"] = "UInt64" },
            ["data"] = new JsonArray(),
            ["vectors"] = new JsonArray(new JsonObject { ["name"] = "Embedding", ["dimensions"] = 16, ["distance"] = "CosineSimilarity", ["index"] = "Flat" }),
        };
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());
        using var store = Store();
        var collection = store.GetDynamicCollection("old", new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(ulong)), new VectorStoreDataProperty("Lang", typeof(string)),
                new VectorStoreDataProperty("Year", typeof(int)), new VectorStoreDataProperty("Tags", typeof(string[])),
                new VectorStoreVectorProperty("Embedding", typeof(float[]), 16),
            ],
        });
        Assert.True(await collection.CollectionExistsAsync(token));
        var hits = await collection.SearchAsync(VectorOf(2), 3, cancellationToken: token).ToListAsync(token);
        Assert.Equal([3UL, 1UL], hits.Select(h => (ulong)h.Record["Id"]!));
        var two = await collection.GetAsync((object)2UL, new() { IncludeVectors = true }, token);
        Assert.Equal("en", two!["Lang"]);
        Assert.Null(two["Embedding"]);
        Assert.False(File.Exists(Path.Combine(folder, "manifest.json")));
        Assert.Empty(Directory.GetFiles(folder, "records-*"));
        Assert.True(File.Exists(Path.Combine(folder, "schema.json")));
    }
}
