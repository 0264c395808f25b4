using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Item 2 of issue 21: a text query is embedded by the model recorded with the vectors, by every
/// command that takes one; another model is refused naming both; vectors with no recorded model
/// take --model or the default, with a note.
/// </summary>
public sealed class QueryModelTests
{
    const string Query = "rain and wind";

    static string[] Sentences() =>
        [.. File.ReadLines(Repository.SharedData("stsbenchmark", "sts-test.csv")).Take(40).Select(l => l.Split('\t')[5]).Distinct()];

    static int[] Top(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("row").GetInt32())];

    /// <summary>The rows explain ranks 1…k under cosine, in that order (its table: row, key, length, dot, cosine, l2sq).</summary>
    static int[] ExplainCosineOrder(string table) =>
        [.. table.Split('\n')
            .Select(line => line.Split('│', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length >= 8 && int.TryParse(cells[1], out _) && int.TryParse(cells[5], out _))
            .OrderBy(cells => int.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture))
            .Select(cells => int.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Every_command_embeds_a_text_query_with_the_indexs_model()
    {
        using var files = new TempFiles();
        var sentences = files.Path("s.txt");
        File.WriteAllLines(sentences, Sentences());
        var index = files.Path("arctic.simil");
        var built = await SimilProcess.RunAsync("index", "build", sentences, "--out", index, "--model", "arctic-embed-xs");
        Assert.True(built.ExitCode == 0, built.Stderr);

        var search = await SimilProcess.RunAsync("search", index, "--query", Query, "-k", "10", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Equal("", search.Stderr);
        var top = Top(search.Stdout);
        Assert.Equal(10, top.Length);

        // The reference: the same sentences embedded by arctic-embed-xs as a plain file, searched exactly.
        var plain = await SimilProcess.RunAsync("search", sentences, "--query", Query, "-k", "10", "--json", "--model", "arctic-embed-xs");
        Assert.Equal(top, Top(plain.Stdout));
        // The default model ranks them otherwise: the test would catch a query embedded by it.
        var minilm = await SimilProcess.RunAsync("search", sentences, "--query", Query, "-k", "10", "--json");
        Assert.NotEqual(top, Top(minilm.Stdout));

        var explain = await SimilProcess.RunAsync("explain", index, "--query", Query, "-k", "10");
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        Assert.Equal(top, ExplainCosineOrder(explain.Stdout));

        var batch = await SimilProcess.RunAsync("search", index, "--queries", files.Write("q.txt", Query + "\n"), "-k", "10", "--json");
        Assert.True(batch.ExitCode == 0, batch.Stderr);
        Assert.Equal(top, Top(batch.Stdout));

        var hnsw = files.Path("arctic-hnsw.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", sentences, "--out", hnsw, "--model", "arctic-embed-xs", "--kind", "hnsw")).ExitCode);
        Assert.Equal(top, Top((await SimilProcess.RunAsync("search", hnsw, "--query", Query, "-k", "10", "--json")).Stdout));
        Assert.Equal(top, ExplainCosineOrder((await SimilProcess.RunAsync("explain", hnsw, "--query", Query, "-k", "10")).Stdout));
    }

    [Fact]
    public async Task Another_model_is_refused_naming_both()
    {
        using var files = new TempFiles();
        var sentences = files.Path("s.txt");
        File.WriteAllLines(sentences, Sentences());
        var index = files.Path("arctic.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", sentences, "--out", index, "--model", "arctic-embed-xs")).ExitCode);
        foreach (var args in new[]
        {
            new[] { "search", index, "--query", Query, "--model", "all-MiniLM-L6-v2" },
            ["explain", index, "--query", Query, "--model", "all-MiniLM-L6-v2"],
            ["index", "add", index, files.Write("more.txt", "Snow fell overnight.\n"), "--model", "all-MiniLM-L6-v2"],
        })
        {
            string line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2);
            Assert.Contains("arctic-embed-xs", line, StringComparison.Ordinal);
            Assert.Contains("all-MiniLM-L6-v2", line, StringComparison.Ordinal);
        }
        // Naming the index's own model is fine, in any case.
        Assert.Equal(0, (await SimilProcess.RunAsync("search", index, "--query", Query, "--model", "Arctic-Embed-XS")).ExitCode);
    }

    [Fact]
    public async Task Vectors_without_a_model_take_the_named_one_or_the_default_with_a_note()
    {
        using var files = new TempFiles();
        var sentences = files.Path("s.txt");
        File.WriteAllLines(sentences, Sentences());
        var vectors = files.Path("v.npy");
        Assert.Equal(0, (await SimilProcess.RunAsync("embed", sentences, "--out", vectors, "--model", "arctic-embed-xs")).ExitCode);
        var reference = Top((await SimilProcess.RunAsync("search", sentences, "--query", Query, "-k", "10", "--json", "--model", "arctic-embed-xs")).Stdout);

        var named = await SimilProcess.RunAsync("search", vectors, "--query", Query, "-k", "10", "--json", "--model", "arctic-embed-xs");
        Assert.True(named.ExitCode == 0, named.Stderr);
        Assert.Equal("", named.Stderr);
        Assert.Equal(reference, Top(named.Stdout));

        var assumed = await SimilProcess.RunAsync("search", vectors, "--query", Query, "-k", "10", "--json");
        Assert.Equal(0, assumed.ExitCode);
        Assert.Contains("note:", assumed.Stderr, StringComparison.Ordinal);
        Assert.Contains("all-MiniLM-L6-v2", assumed.Stderr, StringComparison.Ordinal);
        Assert.Single(assumed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A literal or a key needs no model, so no note.
        var literal = await SimilProcess.RunAsync("search", vectors, "--query", "[" + string.Join(",", Enumerable.Repeat("0.1", 384)) + "]", "-k", "3");
        Assert.Equal(0, literal.ExitCode);
        Assert.Equal("", literal.Stderr);
    }
}
