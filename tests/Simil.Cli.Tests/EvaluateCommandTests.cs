using System.Text.Json;

namespace Simil.Cli.Tests;

/// <summary>The two reference figures of issue 5: gensim's evaluate_word_pairs and MTEB's STS score.</summary>
public sealed class EvaluateCommandTests
{
    static string Shared(string relative) => SharedData.Path(relative);

    [Fact]
    public async Task Wordsim_on_the_gensim_test_vectors_gives_what_gensim_reports()
    {
        // gensim 4.2 KeyedVectors.evaluate_word_pairs: Pearson 0.24425011895718513,
        // Spearman 0.2736024134516744, OOV ratio 69.12181303116147 (%). gensim scores with
        // float32 unit vectors, so Pearson agrees to 1e-7; Spearman (ranks) exactly.
        var r = await SimilProcess.RunAsync("evaluate", Shared("gensim/wordsim353.tsv"), "--vectors", Shared("gensim/euclidean_vectors.bin"), "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(109, root.GetProperty("pairs").GetInt32());
        Assert.Equal(244, root.GetProperty("skipped").GetInt32());
        Assert.Equal(69.12181303116147, root.GetProperty("skippedPercent").GetDouble(), 1e-12);
        var cosine = root.GetProperty("scores").GetProperty("cosine");
        Assert.Equal(0.24425011895718513, cosine.GetProperty("pearson").GetDouble(), 1e-7);
        Assert.Equal(0.2736024134516744, cosine.GetProperty("spearman").GetDouble(), 1e-12);
    }

    [Fact]
    public async Task MiniLM_on_sts_test_reproduces_the_published_spearman()
    {
        var r = await SimilProcess.RunAsync("evaluate", Shared("stsbenchmark/sts-test.csv"), "--model", "all-MiniLM-L6-v2", "--metric", "cosine", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(1379, doc.RootElement.GetProperty("pairs").GetInt32());
        Assert.InRange(doc.RootElement.GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble(), 0.8193, 0.8213);
    }

    [Fact]
    public async Task A_source_must_be_given_once()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("evaluate", Shared("gensim/wordsim353.tsv")), 2);
        Assert.Contains("exactly one of --vectors FILE and --model NAME", line, StringComparison.Ordinal);
    }
}
