using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 24, long texts: <c>embed</c>/<c>index build --chunk N [--overlap M]</c> store each chunk as a
/// row <c>DOC#n</c> with <c>{"document": DOC, "chunk": n}</c>; <c>search --group-by-document</c>
/// returns each document once, at its best chunk — the same as grouping a search of every row.
/// </summary>
public sealed class ChunkCommandTests
{
    static readonly string Bert = Repository.Path("tests", "fixtures", "models", "bert-tiny");

    static string Documents(TempFiles files)
    {
        var texts = File.ReadLines(Repository.Path("tests", "fixtures", "models", "reference-texts.txt")).Skip(150).Take(12).ToArray();
        return files.Write("docs.jsonl", string.Join('\n', texts.Select((t, i) => JsonSerializer.Serialize(new { id = $"pkg{i}", text = t, lang = "pt" }))) + "\n");
    }

    static (string Key, double Score)[] Results(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("key").GetString()!, r.GetProperty("score").GetDouble()))];

    [Fact]
    public async Task Embed_writes_a_row_per_chunk_with_its_document_and_number()
    {
        using var files = new TempFiles();
        var docs = Documents(files);
        var r = await SimilProcess.RunAsync("embed", docs, "--model", Bert, "--chunk", "50", "--overlap", "10", "-o", "-");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain("cut", r.Stderr, StringComparison.Ordinal);   // no chunk passes the limit
        var rows = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(rows.Count > 24, $"{rows.Count} chunks of 12 long texts");
        foreach (var group in rows.GroupBy(e => e.GetProperty("document").GetString()))
        {
            var numbers = group.Select(e => e.GetProperty("chunk").GetInt32()).ToArray();
            Assert.Equal(Enumerable.Range(1, numbers.Length), numbers);
            Assert.All(group, e => Assert.Equal($"{group.Key}#{e.GetProperty("chunk").GetInt32()}", e.GetProperty("id").GetString()));
            Assert.All(group, e => Assert.Equal("pt", e.GetProperty("lang").GetString()));   // the text's own fields stay
        }
        Assert.Equal(12, rows.Select(e => e.GetProperty("document").GetString()).Distinct().Count());
    }

    [Theory]
    [InlineData("flat")]
    [InlineData("hnsw")]
    public async Task Group_by_document_returns_each_document_once_at_its_best_chunk(string kind)
    {
        using var files = new TempFiles();
        var index = files.Path("docs.simil");
        var built = await SimilProcess.RunAsync("index", "build", Documents(files), "--model", Bert, "--chunk", "40", "--kind", kind, "--out", index);
        Assert.True(built.ExitCode == 0, built.Stderr);
        int rows = JsonDocument.Parse((await SimilProcess.RunAsync("index", "info", index, "--json")).Stdout).RootElement.GetProperty("count").GetInt32();
        foreach (var query in new[] { "biblioteca de desenvolvimento", "jogo de estratégia", "servidor de rede" })
        {
            string[] exact = kind == "hnsw" ? ["--exact"] : [];
            var all = await SimilProcess.RunAsync(["search", index, "--query", query, "-k", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", .. exact]);
            Assert.True(all.ExitCode == 0, all.Stderr);
            var expected = Results(all.Stdout).GroupBy(r => r.Key.Split('#')[0]).Select(g => g.First()).Take(5).ToArray();
            string[] wide = kind == "hnsw" ? ["--ef", "400"] : [];
            var grouped = await SimilProcess.RunAsync(["search", index, "--query", query, "-k", "5", "--group-by-document", "--json", .. wide]);
            Assert.True(grouped.ExitCode == 0, grouped.Stderr);
            Assert.Equal(expected, Results(grouped.Stdout));
        }
    }

    [Fact]
    public async Task Chunk_settings_that_cannot_apply_are_one_line()
    {
        using var files = new TempFiles();
        var docs = Documents(files);
        var big = await SimilProcess.RunAsync("embed", docs, "--model", Bert, "--chunk", "500", "-o", files.Path("x.npy"));
        Assert.Contains("--chunk: 500 tokens a chunk", SimilProcess.AssertOneLineError(big, 2));
        var overlapAlone = await SimilProcess.RunAsync("embed", docs, "--model", Bert, "--overlap", "5", "-o", files.Path("x.npy"));
        Assert.Contains("--overlap", SimilProcess.AssertOneLineError(overlapAlone, 2));
        var plain = files.Path("plain.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", docs, "--model", Bert, "--out", plain)).ExitCode);
        var ungrouped = await SimilProcess.RunAsync("search", plain, "--query", "x", "--group-by-document");
        Assert.Contains("--group-by-document", SimilProcess.AssertOneLineError(ungrouped, 2));
        var vectors = await SimilProcess.RunAsync("index", "build", plain, "--chunk", "20", "--out", files.Path("v.simil"));
        Assert.Contains("--chunk", SimilProcess.AssertOneLineError(vectors, 2));
    }
}
