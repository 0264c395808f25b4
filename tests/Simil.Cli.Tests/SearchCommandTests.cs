using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

public sealed class SearchCommandTests
{
    static string Shared(string relative) => Repository.SharedData(relative);

    [Fact]
    public async Task Neighbors_of_war_match_gensim()
    {
        var r = await SimilProcess.RunAsync("neighbors", "war", "--vectors", Shared("gensim/euclidean_vectors.bin"), "-k", "5", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["conflict", "administration", "terrorism", "call", "israel"], results.Select(x => x.GetProperty("key").GetString()));
        Assert.Equal(0.93305397, results[0].GetProperty("score").GetDouble(), 1e-6);
        Assert.Equal(1, results[0].GetProperty("rank").GetInt32());
    }

    [Fact]
    public async Task Search_scores_equal_what_compare_gives()
    {
        var file = Shared("gensim/euclidean_vectors.bin");
        var search = await SimilProcess.RunAsync("search", file, "--query", "war", "-k", "2", "--metric", "l2sq", "--json");
        Assert.Equal(0, search.ExitCode);
        using var doc = JsonDocument.Parse(search.Stdout);
        var second = doc.RootElement.GetProperty("results")[1];
        var compare = await SimilProcess.RunAsync("compare", "war", second.GetProperty("key").GetString()!, "--vectors", file, "--metric", "l2sq", "--json");
        using var pair = JsonDocument.Parse(compare.Stdout);
        Assert.Equal(pair.RootElement.GetProperty("scores").GetProperty("l2sq").GetSingle(), second.GetProperty("score").GetSingle());
    }

    [Fact]
    public async Task A_file_of_queries_gives_one_json_line_each()
    {
        using var files = new TempFiles();
        var corpus = files.Write("corpus.txt", "1 0\n0 1\n1 1\n");
        var queries = files.Write("queries.txt", "1 0.1\n0.1 1\n");
        var r = await SimilProcess.RunAsync("search", corpus, "--queries", queries, "-k", "1", "--metric", "dot", "--json");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Equal(2, JsonDocument.Parse(line).RootElement.GetProperty("results")[0].GetProperty("row").GetInt32()));
    }

    [Fact]
    public async Task A_missing_word_suggests_spellings()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("neighbors", "warr", "--vectors", Shared("gensim/euclidean_vectors.bin")), 2);
        Assert.Contains("nearest spellings: war", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_that_is_no_key_is_a_text_and_must_fit_the_corpus()
    {
        // Not a literal, not a key: a text. Word vectors of 10 dimensions cannot hold the model's 384,
        // so the error says both what it is not (a key, with spellings) and why the text cannot be compared.
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", Shared("gensim/euclidean_vectors.bin"), "--query", "warr"), 2);
        Assert.Contains("'warr' is not among its 2,747 keys (nearest spellings: war", line, StringComparison.Ordinal);
        Assert.Contains("as a text all-MiniLM-L6-v2 would give 384 dimensions, not its 10", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_refused_with_the_known_ones()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", Shared("gensim/euclidean_vectors.bin"), "--query", "war", "--model", "gpt-9"), 2);
        Assert.Contains("--model: unknown model 'gpt-9'; available: all-MiniLM-L6-v2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_and_queries_together_are_refused()
    {
        using var files = new TempFiles();
        var corpus = files.Write("corpus.txt", "1 0\n");
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", corpus, "--query", "[1,0]", "--queries", corpus), 2);
        Assert.Contains("exactly one of --query and --queries", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_of_the_wrong_length_is_bad_input()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", Shared("gensim/euclidean_vectors.bin"), "--query", "[1, 2]"), 2);
        Assert.Contains("euclidean_vectors.bin: the query has 2 dimensions but the rows have 10", line, StringComparison.Ordinal);
    }
}
