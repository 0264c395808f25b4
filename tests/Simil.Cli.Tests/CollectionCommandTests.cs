using System.Text.Json;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 22 item 5: a collection from the command line — build into a folder, upsert, delete by id
/// and by filter, get, compact, info, and search with --where — and bad input as one line, exit 2.
/// </summary>
public sealed class CollectionCommandTests
{
    const string Rows = "id,a,b,c\nx1,1,0,0\nx2,0.9,0.1,0\nx3,0,1,0\nx4,0,0.9,0.1\nx5,0,0,1\n";

    static string[] Ids(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (r.TryGetProperty("id", out var id) ? id : r.GetProperty("key")).GetString()!)];   // an index file's rows have keys

    [Fact]
    public async Task Build_upsert_delete_get_compact_and_search_with_where()
    {
        using var files = new TempFiles();
        var coll = files.Path("coll");
        var docs = files.Write("docs.jsonl", string.Concat(Enumerable.Range(0, 6).Select(i =>
            $"{{\"id\":\"d{i}\",\"lang\":\"{(i % 2 == 0 ? "pt" : "en")}\",\"year\":{2015 + i},\"vector\":[{1 - i * 0.1},{i * 0.1},0.5]}}\n")));
        var built = await SimilProcess.RunAsync("index", "build", files.Write("v.csv", Rows), "--out", coll, "--kind", "hnsw", "--m", "4");
        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.Contains("a collection of 5 rows", built.Stdout, StringComparison.Ordinal);

        var search = await SimilProcess.RunAsync("search", coll, "--query", "x1", "-k", "2", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Equal(["x1", "x2"], Ids(search.Stdout));

        // Upsert: vectors with ids and metadata (the other JSON Lines fields); x-rows stay.
        var upsert = await SimilProcess.RunAsync("index", "upsert", coll, docs);
        Assert.True(upsert.ExitCode == 0, upsert.Stderr);
        Assert.Contains("6 rows upserted (0 replaced); 11 rows live", upsert.Stdout, StringComparison.Ordinal);
        var filtered = await SimilProcess.RunAsync("search", coll, "--query", "[1,0,0.5]", "-k", "3", "--json", "--where", """{"lang":"pt","year":{"$gte":2016}}""");
        Assert.True(filtered.ExitCode == 0, filtered.Stderr);
        Assert.Equal(["d2", "d4"], Ids(filtered.Stdout));
        var got = await SimilProcess.RunAsync("index", "get", coll, "d3", "--json");
        var row = JsonDocument.Parse(got.Stdout).RootElement;
        Assert.Equal(2018, row.GetProperty("metadata").GetProperty("year").GetInt32());
        Assert.Equal(3, row.GetProperty("vector").GetArrayLength());

        // Replace one row, delete by id and by filter.
        var replace = await SimilProcess.RunAsync("index", "upsert", coll, files.Write("r.jsonl", "{\"id\":\"x1\",\"lang\":\"en\",\"vector\":[0,0,-1]}\n"));
        Assert.Contains("1 row upserted (1 replaced); 11 rows live", replace.Stdout, StringComparison.Ordinal);
        var deleted = await SimilProcess.RunAsync("index", "delete", coll, "--id", "x2", "d0");
        Assert.Contains("2 rows deleted; 9 rows live", deleted.Stdout, StringComparison.Ordinal);
        var byFilter = await SimilProcess.RunAsync("index", "delete", coll, "--where", """{"lang":"en"}""");
        Assert.Contains("4 rows deleted; 5 rows live", byFilter.Stdout, StringComparison.Ordinal);
        var info = await SimilProcess.RunAsync("index", "info", coll, "--json");
        var doc = JsonDocument.Parse(info.Stdout).RootElement;
        Assert.Equal(5, doc.GetProperty("live").GetInt32());
        Assert.Equal(2, doc.GetProperty("deleted").GetInt32());

        var compact = await SimilProcess.RunAsync("index", "compact", coll);
        Assert.True(compact.ExitCode == 0, compact.Stderr);
        doc = JsonDocument.Parse((await SimilProcess.RunAsync("index", "info", coll, "--json")).Stdout).RootElement;
        Assert.Equal((5, 0, 1), (doc.GetProperty("live").GetInt32(), doc.GetProperty("deleted").GetInt32(), doc.GetProperty("segments").GetArrayLength()));
        var all = await SimilProcess.RunAsync("search", coll, "--query", "[1,0,0]", "-k", "10", "--json");
        Assert.Equal(new[] { "x3", "x4", "x5", "d2", "d4" }.Order(), Ids(all.Stdout).Order());
    }

    [Fact]
    public async Task Bad_collection_input_is_one_line_and_changes_nothing()
    {
        using var files = new TempFiles();
        var coll = files.Path("coll");
        var single = files.Path("one.simil");
        var rows = files.Write("v.csv", Rows);
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", rows, "--out", coll)).ExitCode);
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", rows, "--out", single)).ExitCode);
        var cases = new (string[] Args, string Says)[]
        {
            (["index", "upsert", single, rows], "make a collection from it"),
            (["index", "build", rows, "--out", coll], "already exists"),
            (["index", "delete", coll], "give exactly one of --id and --where"),
            (["search", coll, "--query", "x1", "--where", "{\"a\":{\"$near\":1}}"], "--where: a: '$near' is not an operator"),
            (["search", rows, "--query", "x1", "--where", "{\"a\":1}"], "a vector file has none"),
            (["index", "get", coll, "nope"], "no live row has the id 'nope'"),
            (["index", "upsert", coll, files.Write("w.jsonl", "{\"id\":\"z\",\"vector\":[1,2]}\n")], "w.jsonl: 'z' has 2 dimensions but the collection has 3"),
            (["index", "upsert", coll, files.Write("k.npy.txt", "1 2 3\n")], "its vectors have no ids"),
            (["search", coll, "--query", "x1", "--oversample", "4"], "--oversample applies to searching one compressed index file"),
            (["index", "build", rows, "--out", files.Path("two.simil"), "--flush-rows", "10"], "--flush-rows: applies to a collection"),
        };
        foreach (var (args, says) in cases)
        {
            var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2);
            Assert.Contains(says, line, StringComparison.Ordinal);
        }
        var info = JsonDocument.Parse((await SimilProcess.RunAsync("index", "info", coll, "--json")).Stdout).RootElement;
        Assert.Equal((5, 0), (info.GetProperty("live").GetInt32(), info.GetProperty("log_rows").GetInt32()));
    }

    [Fact]
    public async Task Commands_that_read_whole_files_read_a_collections_live_rows()
    {
        using var files = new TempFiles();
        var coll = files.Path("coll");
        var rows = files.Write("v.csv", Rows);
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", rows, "--out", coll)).ExitCode);
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "delete", coll, "--id", "x2")).ExitCode);
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "upsert", coll, files.Write("n.jsonl", "{\"id\":\"n1\",\"vector\":[1,0.05,0]}\n"))).ExitCode);
        var verify = await SimilProcess.RunAsync("index", "verify", coll);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Contains("ok — 5 live rows, 1 segment, every checksum matches, 1 rows in the log", verify.Stdout, StringComparison.Ordinal);
        var neighbors = await SimilProcess.RunAsync("neighbors", "x1", "--vectors", coll, "-k", "1");
        Assert.True(neighbors.ExitCode == 0, neighbors.Stderr);
        Assert.Contains("n1", neighbors.Stdout, StringComparison.Ordinal);   // x2 is deleted; the log's n1 is nearest
        var compare = await SimilProcess.RunAsync("compare", "x1", "n1", "--vectors", coll, "--json");
        Assert.True(compare.ExitCode == 0, compare.Stderr);
        var matrix = await SimilProcess.RunAsync("matrix", coll, "--json");
        Assert.True(matrix.ExitCode == 0, matrix.Stderr);
        Assert.DoesNotContain("\"x2\"", matrix.Stdout, StringComparison.Ordinal);
        var explain = await SimilProcess.RunAsync("explain", coll, "--query", "x3", "-k", "2", "--json");
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        var add = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("index", "add", coll, rows), 2);
        Assert.Contains("is a collection; add rows to it with simil index upsert", add, StringComparison.Ordinal);

        // index build reads a collection's live rows whole, metadata included: into one index file or a new collection.
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "upsert", coll, files.Write("m.jsonl", "{\"id\":\"m1\",\"lang\":\"pt\",\"vector\":[0,0.2,1]}\n"))).ExitCode);
        var single = files.Path("copy.simil");
        var built = await SimilProcess.RunAsync("index", "build", coll, "--out", single);
        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.StartsWith($"{single}: 6 rows × 3", built.Stdout, StringComparison.Ordinal);
        var again = files.Path("again");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", coll, "--out", again)).ExitCode);
        foreach (var target in new[] { single, again })
        {
            var pt = await SimilProcess.RunAsync("search", target, "--query", "[1,0,0]", "-k", "3", "--json", "--where", """{"lang":"pt"}""");
            Assert.True(pt.ExitCode == 0, pt.Stderr);
            Assert.Equal(["m1"], Ids(pt.Stdout));
            var all = await SimilProcess.RunAsync("search", target, "--query", "[1,0,0]", "-k", "10", "--json");
            Assert.Equal(new[] { "x1", "x3", "x4", "x5", "n1", "m1" }.Order(), Ids(all.Stdout).Order());
        }
    }
}
