using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

public sealed class AdviseCommandTests
{
    static string Shared(string relative) => Repository.SharedData(relative);

    [Fact]
    public async Task Word_vectors_get_cosine_with_reasons_and_figures()
    {
        using var files = new TempFiles();
        var png = files.Path("advice.png");
        var r = await SimilProcess.RunAsync("advise", Shared("gensim/euclidean_vectors.bin"), "--json", "--plot", png);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("cosine", root.GetProperty("recommended").GetString());
        Assert.NotEmpty(root.GetProperty("reasons").EnumerateArray());
        Assert.Equal(2000, root.GetProperty("sample").GetInt32());
        Assert.False(root.GetProperty("norms").GetProperty("unit").GetBoolean());
        Assert.Equal(3, root.GetProperty("agreement").GetArrayLength());
        Assert.True(File.Exists(png));
    }

    [Fact]
    public async Task Labels_must_match_the_rows()
    {
        using var files = new TempFiles();
        var vectors = files.Write("v.txt", "1 0\n0 1\n1 1\n");
        var labels = files.Write("labels.txt", "a\nb\n");
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("advise", vectors, "--labels", labels), 2);
        Assert.Contains("2 labels for 3 rows", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_marks_rows_that_move()
    {
        var r = await SimilProcess.RunAsync("explain", Shared("gensim/euclidean_vectors.bin"), "--query", "war", "-k", "5");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("moves", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("the dot product favours long vectors", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_labels_file_is_bad_input()
    {
        using var files = new TempFiles();
        var vectors = files.Write("v.txt", "1 0\n0 1\n1 1\n");
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("advise", vectors, "--labels", files.Path("none.txt")), 2);
        Assert.Contains("none.txt: no such file", line, StringComparison.Ordinal);
    }
}
