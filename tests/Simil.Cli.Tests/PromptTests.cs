using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 24, prompts: <c>--prompt NAME</c> and <c>--prompt-text TEXT</c> put a prompt before every text a
/// command embeds; an index records the document prompt it was built with (its model's default),
/// rows added later take it, and a text query takes the model's query prompt. On the fixture
/// models of <c>tests/fixtures/models</c> (xlmr-tiny: prompts query/passage, no default; bert-tiny:
/// query/document, default document, the prompt left out of its pooling).
/// </summary>
public sealed class PromptTests
{
    static readonly string Xlmr = Repository.Path("tests", "fixtures", "models", "xlmr-tiny");
    static readonly string Bert = Repository.Path("tests", "fixtures", "models", "bert-tiny");

    static string[] Texts(int n) => [.. File.ReadLines(Repository.Path("tests", "fixtures", "models", "reference-texts.txt")).Take(n)];

    static async Task<double> Cosine(params string[] args)
    {
        var r = await SimilProcess.RunAsync(["compare", .. args, "-m", "cosine", "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("scores").GetProperty("cosine").GetDouble();
    }

    static async Task<(int Row, double Score)[]> Search(params string[] args)
    {
        var r = await SimilProcess.RunAsync(["search", .. args, "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return [.. JsonDocument.Parse(r.Stdout).RootElement.GetProperty("results").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("score").GetDouble()))];
    }

    [Fact]
    public async Task A_named_prompt_is_its_text_put_before_each_text()
    {
        double named = await Cosine("rei", "rainha", "--model", Xlmr, "--prompt", "query");
        double written = await Cosine("consulta: rei", "consulta: rainha", "--model", Xlmr);
        double given = await Cosine("rei", "rainha", "--model", Xlmr, "--prompt-text", "consulta: ");
        double none = await Cosine("rei", "rainha", "--model", Xlmr);
        Assert.Equal(written, named);
        Assert.Equal(written, given);
        Assert.NotEqual(none, named);
    }

    [Fact]
    public async Task An_unknown_prompt_or_both_ways_is_one_line()
    {
        var unknown = await SimilProcess.RunAsync("compare", "rei", "rainha", "--model", Xlmr, "--prompt", "pergunta");
        Assert.Contains("has no prompt 'pergunta'; its prompts: query, passage", SimilProcess.AssertOneLineError(unknown, 2));
        var none = await SimilProcess.RunAsync("compare", "rei", "rainha", "--prompt", "query");
        Assert.Contains("all-MiniLM-L6-v2 has no prompts", SimilProcess.AssertOneLineError(none, 2));
        var both = await SimilProcess.RunAsync("compare", "rei", "rainha", "--model", Xlmr, "--prompt", "query", "--prompt-text", "x");
        Assert.Contains("not both", SimilProcess.AssertOneLineError(both, 2));
    }

    [Fact]
    public async Task An_index_records_its_document_prompt_rows_added_take_it_and_queries_take_the_query_prompt()
    {
        using var files = new TempFiles();
        var texts = Texts(12);
        var first = files.Write("first.txt", string.Join('\n', texts[..11]) + "\n");
        var last = files.Write("last.txt", texts[11] + "\n");
        var all = files.Write("all.txt", string.Join('\n', texts) + "\n");
        var index = files.Path("bert.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", first, "--model", Bert, "--out", index)).ExitCode);
        var info = await SimilProcess.RunAsync("index", "info", index, "--json");
        Assert.Equal("documento: ", JsonDocument.Parse(info.Stdout).RootElement.GetProperty("document_prompt").GetString());

        // A row added later is embedded after the recorded prompt: the same vector as built at once.
        var added = await SimilProcess.RunAsync("index", "add", index, last);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var whole = files.Path("whole.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", all, "--model", Bert, "--out", whole)).ExitCode);
        var literal = "[" + string.Join(",", Enumerable.Range(0, 32).Select(i => (i % 7 - 3).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        // Same rows, same scores — to float32's last bits, which the row's batch (alone, or among
        // others, padded otherwise) may move on another CPU's ONNX Runtime kernels.
        var built = await Search(whole, "--query", literal, "-k", "12");
        var grown = await Search(index, "--query", literal, "-k", "12");
        Assert.Equal(built.Select(r => r.Row), grown.Select(r => r.Row));
        Assert.All(built.Zip(grown), p => Assert.True(Math.Abs(p.First.Score - p.Second.Score) <= 1e-6, $"row {p.First.Row}: {p.First.Score} vs {p.Second.Score}"));

        // A text query takes the model's query prompt by default; --prompt chooses another.
        const string Query = "jogo de estratégia";
        var byDefault = await Search(index, "--query", Query, "-k", "12");
        Assert.Equal(byDefault, await Search(index, "--query", Query, "-k", "12", "--prompt-text", "pergunta: "));
        Assert.NotEqual(byDefault, await Search(index, "--query", Query, "-k", "12", "--prompt", "document"));
        // Queries from a file take it too (they took the document prompt before this test).
        Assert.Equal(byDefault, await Search(index, "--queries", files.Write("q.txt", Query + "\n"), "-k", "12"));

        // An index built with another prompt records that one.
        var passage = files.Path("xlmr.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", first, "--model", Xlmr, "--prompt", "passage", "--out", passage)).ExitCode);
        info = await SimilProcess.RunAsync("index", "info", passage, "--json");
        Assert.Equal("passagem: ", JsonDocument.Parse(info.Stdout).RootElement.GetProperty("document_prompt").GetString());
        // No default prompt and none asked for: nothing recorded.
        var plain = files.Path("plain.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", first, "--model", Xlmr, "--out", plain)).ExitCode);
        info = await SimilProcess.RunAsync("index", "info", plain, "--json");
        Assert.False(JsonDocument.Parse(info.Stdout).RootElement.TryGetProperty("document_prompt", out _));
    }
}
