using Microsoft.Extensions.VectorData;

namespace Simil.VectorData.Tests;

public sealed class Hotel
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreData]
    public string Name { get; set; } = "";

    [VectorStoreData]
    public int Rating { get; set; }

    [VectorStoreVector(4, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float>? Embedding { get; set; }
}

public sealed class HotelGraph
{
    [VectorStoreKey]
    public int Id { get; set; }

    [VectorStoreData]
    public string Name { get; set; } = "";

    [VectorStoreVector(4, DistanceFunction = DistanceFunction.EuclideanSquaredDistance, IndexKind = IndexKind.Hnsw)]
    public float[]? Embedding { get; set; }
}

public sealed class HotelOtherDimensions
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreVector(5)]
    public ReadOnlyMemory<float>? Embedding { get; set; }
}

/// <summary>
/// The MEVD store end to end, own tests until the conformance suite is wired in: records persist
/// and reopen in a new store; search equals a brute-force ranking by Simil's kernels (top, skip,
/// threshold, filter); the HNSW kind; a record type of another dimension is refused unchanged.
/// </summary>
public sealed class StoreTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"simil-store-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static Hotel[] Hotels()
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, 50).Select(i => new Hotel
        {
            Id = $"h{i}", Name = $"Hotel {i}", Rating = i % 5,
            Embedding = new ReadOnlyMemory<float>([.. Enumerable.Range(0, 4).Select(_ => random.NextSingle() * 2 - 1)]),
        })];
    }

    [Fact]
    public async Task Records_persist_and_search_ranks_as_the_kernels_do()
    {
        var token = TestContext.Current.CancellationToken;
        var hotels = Hotels();
        using (var store = new SimilVectorStore(_folder))
        {
            var collection = store.GetCollection<string, Hotel>("hotels");
            await collection.EnsureCollectionExistsAsync(token);
            await collection.UpsertAsync(hotels, token);
            await collection.DeleteAsync("h7", token);
        }
        using var reopened = new SimilVectorStore(_folder);
        Assert.Equal(["hotels"], await reopened.ListCollectionNamesAsync(token).ToArrayAsync(token));
        var hotelsAgain = reopened.GetCollection<string, Hotel>("hotels");
        Assert.True(await hotelsAgain.CollectionExistsAsync(token));
        var h3 = await hotelsAgain.GetAsync("h3", new RecordRetrievalOptions { IncludeVectors = true }, token);
        Assert.NotNull(h3);
        Assert.Equal("Hotel 3", h3.Name);
        Assert.Equal(3, h3.Rating);
        Assert.Equal(hotels[3].Embedding!.Value.ToArray(), h3.Embedding!.Value.ToArray());
        Assert.Null(await hotelsAgain.GetAsync("h7", cancellationToken: token));

        float[] query = [0.3f, -0.2f, 0.9f, 0.1f];
        var expected = hotels.Where(h => h.Id != "h7" && h.Rating >= 2)
            .Select(h => (h.Id, Score: Similarity.Cosine(query, h.Embedding!.Value.Span)))
            .OrderByDescending(x => x.Score).ThenBy(x => int.Parse(x.Id[1..], System.Globalization.CultureInfo.InvariantCulture)).Skip(2).Take(5).ToArray();
        var found = await hotelsAgain.SearchAsync(new ReadOnlyMemory<float>(query), 5, new VectorSearchOptions<Hotel> { Skip = 2, Filter = h => h.Rating >= 2 }, token).ToArrayAsync(token);
        Assert.Equal(expected.Select(e => e.Id), found.Select(f => f.Record.Id));
        Assert.Equal(expected.Select(e => (double)e.Score), found.Select(f => f.Score!.Value));

        var above = await hotelsAgain.SearchAsync(query, 50, new VectorSearchOptions<Hotel> { ScoreThreshold = 0.5 }, token).ToArrayAsync(token);
        Assert.All(above, r => Assert.True(r.Score >= 0.5));
        Assert.Equal(hotels.Count(h => h.Id != "h7" && Similarity.Cosine(query, h.Embedding!.Value.Span) >= 0.5f), above.Length);

        var filtered = await hotelsAgain.GetAsync(h => h.Rating == 4, 100, cancellationToken: token).ToArrayAsync(token);
        Assert.Equal(hotels.Count(h => h.Rating == 4), filtered.Length);
    }

    [Fact]
    public async Task The_hnsw_kind_answers_and_reopens()
    {
        var token = TestContext.Current.CancellationToken;
        var random = new Random(5);
        var rows = Enumerable.Range(0, 300).Select(i => new HotelGraph
        {
            Id = i, Name = $"g{i}", Embedding = [.. Enumerable.Range(0, 4).Select(_ => random.NextSingle())],
        }).ToArray();
        using (var store = new SimilVectorStore(_folder))
        {
            var collection = store.GetCollection<int, HotelGraph>("graph");
            await collection.EnsureCollectionExistsAsync(token);
            await collection.UpsertAsync(rows, token);
        }
        using var reopened = new SimilVectorStore(_folder);
        var again = reopened.GetCollection<int, HotelGraph>("graph");
        foreach (int probe in new[] { 0, 17, 299 })
        {
            var best = await again.SearchAsync(rows[probe].Embedding!, 1, cancellationToken: token).ToArrayAsync(token);
            Assert.Equal(probe, best[0].Record.Id);
            Assert.Equal(0, best[0].Score);
        }
    }

    [Fact]
    public async Task A_record_type_of_another_dimension_is_refused_and_nothing_changes()
    {
        var token = TestContext.Current.CancellationToken;
        using var store = new SimilVectorStore(_folder);
        var hotels = store.GetCollection<string, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync(token);
        await hotels.UpsertAsync(Hotels(), token);
        var before = Directory.GetFiles(Path.Combine(_folder, "hotels")).Order().Select(File.ReadAllBytes).ToArray();
        var other = store.GetCollection<string, HotelOtherDimensions>("hotels");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => other.EnsureCollectionExistsAsync(token));
        Assert.Contains("has 4 dimensions in the collection but 5 in the record type", error.Message);
        Assert.Equal(before, Directory.GetFiles(Path.Combine(_folder, "hotels")).Order().Select(File.ReadAllBytes).ToArray());
    }

    [Fact]
    public async Task A_second_collection_object_sees_what_the_first_wrote()
    {
        var token = TestContext.Current.CancellationToken;
        using var first = new SimilVectorStore(_folder);
        using var second = new SimilVectorStore(_folder);
        var a = first.GetCollection<string, Hotel>("hotels");
        var b = second.GetCollection<string, Hotel>("hotels");
        await a.EnsureCollectionExistsAsync(token);
        await a.UpsertAsync(Hotels()[..10], token);
        Assert.Equal(10, await b.GetAsync(h => true, 100, cancellationToken: token).CountAsync(token));
        await a.UpsertAsync(Hotels()[10..20], token);
        await a.DeleteAsync("h0", token);
        Assert.Equal(19, await b.GetAsync(h => true, 100, cancellationToken: token).CountAsync(token));
        Assert.Null(await b.GetAsync("h0", cancellationToken: token));
        await b.UpsertAsync(Hotels()[20..21], token);
        Assert.NotNull(await a.GetAsync("h20", cancellationToken: token));
    }

    [Fact]
    public async Task Unsupported_settings_are_refused_by_name()
    {
        using var store = new SimilVectorStore(_folder);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Id", typeof(string)), new VectorStoreVectorProperty("V", typeof(float[]), 3) { IndexKind = IndexKind.DiskAnn }],
        };
        var error = Assert.Throws<NotSupportedException>(() => store.GetDynamicCollection("x", definition));
        Assert.Contains("DiskAnn", error.Message);
        Assert.Throws<ArgumentException>(() => store.GetCollection<string, Hotel>("../escape"));
        await Task.CompletedTask;
    }
}
