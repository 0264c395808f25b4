using System.Text.Json;

namespace Simil.Cli.Tests;

/// <summary>
/// Item 5 of issue 21: a CSV with a header and JSON Lines with id/text/other fields are read the
/// same way by every command — the id is the key, the text is embedded, other fields are kept by
/// JSON Lines output — with --id-field and --text-field naming other fields.
/// </summary>
public sealed class TableInputTests
{
    const string Csv = "id,text,lang\nd1,\"The king and the queen, at court\",en\nd2,Rain and wind all night,en\nd3,\"O gato \"\"preto\"\" dorme\",pt\n";
    const string Jsonl = "{\"id\":\"d1\",\"text\":\"The king and the queen, at court\",\"lang\":\"en\"}\n" +
        "{\"id\":\"d2\",\"text\":\"Rain and wind all night\",\"lang\":\"en\"}\n{\"id\":\"d3\",\"text\":\"O gato \\\"preto\\\" dorme\",\"lang\":\"pt\"}\n";

    static string[] Keys(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("key").GetString()!)];

    [Fact]
    public async Task Search_index_and_embed_read_ids_texts_and_fields_alike_from_csv_and_jsonl()
    {
        using var files = new TempFiles();
        var csv = files.Write("docs.csv", Csv);
        var jsonl = files.Write("docs.jsonl", Jsonl);
        var fromCsv = await SimilProcess.RunAsync("search", csv, "--query", "a storm", "-k", "3", "--json");
        Assert.True(fromCsv.ExitCode == 0, fromCsv.Stderr);
        Assert.Equal("d2", Keys(fromCsv.Stdout)[0]);
        var fromJsonl = await SimilProcess.RunAsync("search", jsonl, "--query", "a storm", "-k", "3", "--json");
        Assert.Equal(fromCsv.Stdout, fromJsonl.Stdout);

        // An index keeps the ids as keys: a key query finds its row.
        var index = files.Path("docs.simil");
        var built = await SimilProcess.RunAsync("index", "build", csv, "--out", index);
        Assert.True(built.ExitCode == 0, built.Stderr);
        var byKey = await SimilProcess.RunAsync("search", index, "--query", "d1", "-k", "1", "--json");
        Assert.True(byKey.ExitCode == 0, byKey.Stderr);
        Assert.Equal(["d1"], Keys(byKey.Stdout));
        var explained = await SimilProcess.RunAsync("explain", index, "--query", "a storm", "-k", "3", "--json");
        Assert.True(explained.ExitCode == 0, explained.Stderr);
        Assert.Contains("\"d2\"", explained.Stdout, StringComparison.Ordinal);

        // embed keeps each row's id, text and other fields in JSON Lines, from either input.
        foreach (var input in new[] { csv, jsonl })
        {
            var embedded = await SimilProcess.RunAsync("embed", input, "--out", "-");
            Assert.True(embedded.ExitCode == 0, embedded.Stderr);
            var rows = embedded.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(["d1", "d2", "d3"], rows.Select(r => r.GetProperty("id").GetString()));
            Assert.Equal("O gato \"preto\" dorme", rows[2].GetProperty("text").GetString());
            Assert.Equal("pt", rows[2].GetProperty("lang").GetString());
            Assert.Equal(384, rows[0].GetProperty("vector").GetArrayLength());
        }
    }

    [Fact]
    public async Task Named_fields_work_on_every_command_and_a_missing_one_is_one_line()
    {
        using var files = new TempFiles();
        var csv = files.Write("docs.csv", "doc,body\nx1,The king and the queen\nx2,Rain and wind all night\n");
        var vectors = files.Write("v.csv", "word,a,b\ncat,1,0\ndog,0.9,0.1\ncar,0,1\n");
        var search = await SimilProcess.RunAsync("search", csv, "--query", "a storm", "-k", "1", "--json", "--id-field", "doc", "--text-field", "body");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Equal(["x2"], Keys(search.Stdout));
        var neighbors = await SimilProcess.RunAsync("neighbors", "cat", "--vectors", vectors, "--id-field", "word", "-k", "1");
        Assert.True(neighbors.ExitCode == 0, neighbors.Stderr);
        Assert.Contains("dog", neighbors.Stdout, StringComparison.Ordinal);
        var compare = await SimilProcess.RunAsync("compare", "cat", "car", "--vectors", vectors, "--id-field", "word", "--json");
        Assert.True(compare.ExitCode == 0, compare.Stderr);
        var missing = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", vectors, "--query", "[1,0]", "--id-field", "name"), 2);
        Assert.Contains("v.csv: line 1: the header has no column 'name' (columns: word, a, b)", missing, StringComparison.Ordinal);
        var numbers = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", vectors, "--query", "[1,0]"), 2);
        Assert.Contains("'cat' in column 'word' is not a number", numbers, StringComparison.Ordinal);
        var noText = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("embed", vectors, "--out", files.Path("o.npy"), "--id-field", "word"), 2);
        Assert.Contains("--text-field", noText, StringComparison.Ordinal);
    }
}
