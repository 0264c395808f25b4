using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Item 5 of issue 21: one behaviour in every command — help when nothing is asked, the nearest
/// command for a typo, -k/--top with one rule, --json wherever results are printed, and one JSON
/// naming style (snake_case) in every document.
/// </summary>
public sealed class ConsistencyTests
{
    static string Shared(string path) => Repository.SharedData(path.Split('/'));

    [Fact]
    public async Task Simil_alone_or_a_group_alone_prints_help()
    {
        foreach (var args in new[] { Array.Empty<string>(), ["index"] })
        {
            var r = await SimilProcess.RunAsync(args);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("Usage:", r.Stdout, StringComparison.Ordinal);
            Assert.Equal("", r.Stderr);
        }
    }

    [Fact]
    public async Task The_list_of_commands_shows_an_optional_argument_as_its_usage_does()
    {
        var top = await SimilProcess.RunAsync("--help");
        Assert.Matches(@"\n  matrix <A> \[<B>\]  +All pairs", top.Stdout);
        Assert.Matches(@"\n  compare <A> <B>  +Compare", top.Stdout);
        var matrix = await SimilProcess.RunAsync("matrix", "--help");
        Assert.Contains("simil matrix <A> [<B>] [options]", matrix.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serach", "'simil search'")]
    [InlineData("comapre", "'simil compare'")]
    public async Task A_mistyped_command_names_the_nearest(string typo, string suggestion)
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(typo, "x"), 2);
        Assert.Contains($"'{typo}' is not a simil command; did you mean {suggestion}", line, StringComparison.Ordinal);
        var nested = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("index", "biuld", "x"), 2);
        Assert.Contains("did you mean 'simil index build'", nested, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_has_one_rule_everywhere()
    {
        using var files = new TempFiles();
        var corpus = files.Write("c.txt", "1 0\n0 1\n1 1\n");
        string vectors = Shared("gensim/euclidean_vectors.bin");
        var commands = new[]
        {
            new[] { "search", corpus, "--query", "[1,0]" },
            ["explain", corpus, "--query", "[1,0]"],
            ["neighbors", "war", "--vectors", vectors],
            ["audit", "postgres://nobody@127.0.0.1:1/none?table=t&column=c"],
        };
        foreach (var command in commands)
            foreach (var k in new[] { "0", "-3" })
                foreach (var flag in new[] { "-k", "--top" })
                {
                    var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync([.. command, flag, k]), 2);
                    Assert.Contains($"-k/--top: {k} is below 1", line, StringComparison.Ordinal);
                }
        var two = await SimilProcess.RunAsync("search", corpus, "--query", "[1,0]", "--top", "2", "--json");
        Assert.Equal(2, JsonDocument.Parse(two.Stdout).RootElement.GetProperty("results").GetArrayLength());
    }

    static void AssertSnakeCase(JsonElement element, string where)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
            {
                Assert.True(property.Name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'), $"{where}: key '{property.Name}' is not snake_case");
                // Maps keyed by data (model, metric, precision names; section ids) hold values, not keys of the schema.
                if (property.Name is not ("models" or "scores" or "precisions" or "sections"))
                    AssertSnakeCase(property.Value, where);
                else
                    foreach (var inner in property.Value.EnumerateObject())
                        AssertSnakeCase(inner.Value, where);
            }
        else if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray())
                AssertSnakeCase(item, where);
    }

    [Fact]
    public async Task Every_json_document_is_snake_case_and_explain_and_matrix_have_json()
    {
        using var files = new TempFiles();
        var corpus = files.Write("c.w2v", "4 3\nred 1 0 0\ngreen 0 1 0\nblue 0 0 2\nnavy 0 0.1 1\n");
        var index = files.Path("c.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", corpus, "--out", index)).ExitCode);
        var pairs = files.Write("pairs.tsv", "red\tgreen\t1\nred\tblue\t2\ngreen\tblue\t3\nblue\tnavy\t9\n");
        var runs = new[]
        {
            new[] { "compare", "[1,2,3]", "[4,5,6]", "--json" },
            ["search", index, "--query", "blue", "--json"],
            ["explain", index, "--query", "blue", "-k", "2", "--json"],
            ["matrix", corpus, "--json"],
            ["index", "info", index, "--json"],
            ["advise", corpus, "--json"],
            ["neighbors", "blue", "--vectors", corpus, "-k", "2", "--json"],
            ["evaluate", pairs, "--vectors", corpus, "--json"],
        };
        foreach (var args in runs)
        {
            var r = await SimilProcess.RunAsync(args);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.Stderr}");
            foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                AssertSnakeCase(JsonDocument.Parse(line).RootElement, args[0]);
        }
        var explain = JsonDocument.Parse((await SimilProcess.RunAsync("explain", index, "--query", "blue", "-k", "2", "--json")).Stdout).RootElement;
        Assert.Equal(2, explain.GetProperty("rows")[0].GetProperty("row").GetInt32());
        Assert.Equal(1, explain.GetProperty("rows")[0].GetProperty("cosine").GetInt32());
        var matrix = JsonDocument.Parse((await SimilProcess.RunAsync("matrix", corpus, "--json")).Stdout).RootElement;
        Assert.Equal(4, matrix.GetProperty("rows").GetInt32());
        Assert.Equal("red", matrix.GetProperty("row_keys")[0].GetString());
    }

    [Fact]
    public async Task Texts_cut_at_the_token_limit_are_counted_on_stderr()
    {
        using var files = new TempFiles();
        string longText = string.Join(' ', Enumerable.Repeat("rain", 400));
        var texts = files.Write("t.txt", $"{longText}\nshort\n{longText} wind\n");
        var r = await SimilProcess.RunAsync("embed", texts, "--out", files.Path("t.npy"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("simil: warning: 2 texts were longer than all-MiniLM-L6-v2's 256 tokens and cut to that length (as sentence-transformers cuts them): the words past it do not count\n", r.Stderr);
        var none = await SimilProcess.RunAsync("embed", files.Write("s.txt", "short\nalso short\n"), "--out", files.Path("s.npy"));
        Assert.Equal("", none.Stderr);
        // The same count where texts are searched: a corpus of texts, then a long query against it.
        var search = await SimilProcess.RunAsync("search", texts, "--query", longText + " again", "-k", "1");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Equal(
            "simil: warning: 2 texts were longer than all-MiniLM-L6-v2's 256 tokens and cut to that length (as sentence-transformers cuts them): the words past it do not count\n" +
            "simil: warning: 1 text was longer than all-MiniLM-L6-v2's 256 tokens and cut to that length (as sentence-transformers cuts them): the words past it do not count\n",
            search.Stderr);
    }

    [Fact]
    public async Task Width_shows_whole_keys_or_cuts_them_where_asked()
    {
        using var files = new TempFiles();
        const string key = "a very long key that goes on and on and on";
        var corpus = files.Write("k.jsonl", $"{{\"id\":\"{key}\",\"vector\":[1,0]}}\n{{\"id\":\"b\",\"vector\":[0,1]}}\n");
        var cut = await SimilProcess.RunAsync("search", corpus, "--query", "[1,0]", "-k", "1");
        Assert.Contains("a very long key that go…", cut.Stdout, StringComparison.Ordinal);
        var whole = await SimilProcess.RunAsync("search", corpus, "--query", "[1,0]", "-k", "1", "--width", "0");
        Assert.Contains(key, whole.Stdout, StringComparison.Ordinal);
        var ten = await SimilProcess.RunAsync("explain", corpus, "--query", "[1,0]", "-k", "1", "--width", "10");
        Assert.Contains("a very lo…", ten.Stdout, StringComparison.Ordinal);
        Assert.Contains("--width: 2 is not 0", SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", corpus, "--query", "[1,0]", "--width", "2"), 2), StringComparison.Ordinal);
    }
}
