using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary><c>simil compare --vectors FILE A B</c> on the shared word vectors.</summary>
public sealed class CompareVectorsTests
{
    static string Shared(string relative) => Repository.SharedData(relative);

    [Fact]
    public async Task Words_are_looked_up_in_the_file()
    {
        var file = Shared("gensim/euclidean_vectors.bin");
        var r = await SimilProcess.RunAsync("compare", "war", "conflict", "--vectors", file, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(file, doc.RootElement.GetProperty("source").GetString());
        Assert.Equal(10, doc.RootElement.GetProperty("dimensions").GetInt32());
        // gensim: model.similarity('war', 'conflict') = 0.93305397
        Assert.InRange(doc.RootElement.GetProperty("scores").GetProperty("cosine").GetSingle(), 0.933053f, 0.933055f);
    }

    [Fact]
    public async Task A_missing_word_names_the_file_its_size_and_near_spellings()
    {
        var file = Shared("gensim/euclidean_vectors.bin");
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "warr", "conflict", "--vectors", file), 2);
        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Contains("'warr' is not among its 2,747 keys (10 dimensions)", line, StringComparison.Ordinal);
        Assert.Matches("nearest spellings: war[,$]", line);
    }

    [Fact]
    public async Task A_file_without_keys_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "1 2 3\n4 5 6\n", TestContext.Current.CancellationToken);
        try
        {
            var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "a", "b", "--vectors", path), 2);
            Assert.Contains("vectors without keys", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_broken_vectors_file_is_one_line_with_the_place()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-{Guid.NewGuid():N}.vec");
        await File.WriteAllTextAsync(path, "2 3\na 1 2 3\nb 1 x 3\n", TestContext.Current.CancellationToken);
        try
        {
            var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "a", "b", "--vectors", path), 2);
            Assert.Equal($"simil: {path}: line 3, column 3: expected a number, found 'x'", line);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
