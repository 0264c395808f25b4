using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>The two reference figures of issue 5: gensim's evaluate_word_pairs and MTEB's STS score.</summary>
public sealed class EvaluateCommandTests
{
    static string Shared(string relative) => Repository.SharedData(relative);

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
        Assert.Equal(69.12181303116147, root.GetProperty("skipped_percent").GetDouble(), 1e-12);
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
    public async Task Vectors_and_a_model_together_are_refused()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("evaluate", Shared("gensim/wordsim353.tsv"),
            "--vectors", Shared("gensim/euclidean_vectors.bin"), "--model", "all-MiniLM-L6-v2"), 2);
        Assert.Contains("--vectors FILE or --model NAME, not both", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_vectors_the_default_model_embeds_the_texts()
    {
        // As compare, search and embed do: no --vectors and no --model means the local default model.
        using var files = new TempFiles();
        var pairs = files.Write("pairs.tsv", "king\tqueen\t8.6\ncup\tmug\t9.1\ntiger\tcat\t7.4\nstock\tjaguar\t0.9\nnoon\tstring\t0.5\n");
        var byDefault = await SimilProcess.RunAsync("evaluate", pairs, "--json");
        var named = await SimilProcess.RunAsync("evaluate", pairs, "--model", "all-MiniLM-L6-v2", "--json");
        Assert.True(byDefault.ExitCode == 0, byDefault.Stderr);
        using var doc = JsonDocument.Parse(byDefault.Stdout);
        Assert.Equal("all-MiniLM-L6-v2", doc.RootElement.GetProperty("source").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("pairs").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("skipped").GetInt32());
        Assert.Equal(named.Stdout, byDefault.Stdout);
    }

    [Fact]
    public async Task Precision_all_scores_each_precision_and_float32_matches_the_plain_run()
    {
        var plain = await SimilProcess.RunAsync("evaluate", Shared("gensim/wordsim353.tsv"), "--vectors", Shared("gensim/euclidean_vectors.bin"), "--json");
        var all = await SimilProcess.RunAsync("evaluate", Shared("gensim/wordsim353.tsv"), "--vectors", Shared("gensim/euclidean_vectors.bin"), "--json", "--precision", "all");
        Assert.True(all.ExitCode == 0, all.Stderr);
        using var one = System.Text.Json.JsonDocument.Parse(plain.Stdout);
        using var many = System.Text.Json.JsonDocument.Parse(all.Stdout);
        var precisions = many.RootElement.GetProperty("precisions");
        Assert.Equal(["float32", "float16", "bfloat16", "int8", "uint8", "binary", "ubinary"], precisions.EnumerateObject().Select(p => p.Name));
        double float32 = one.RootElement.GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble();
        Assert.Equal(float32, precisions.GetProperty("float32").GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble());
        // binary and ubinary hold the same bits; every precision still follows the judgements.
        Assert.Equal(precisions.GetProperty("binary").GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble(),
            precisions.GetProperty("ubinary").GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble());
        foreach (var p in precisions.EnumerateObject())
            Assert.InRange(p.Value.GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble(), float32 - 0.25, float32 + 0.25);
        int dims = precisions.GetProperty("float32").GetProperty("bytes_per_vector").GetInt32() / 4;
        Assert.Equal(2 * dims, precisions.GetProperty("float16").GetProperty("bytes_per_vector").GetInt32());
        Assert.Equal(dims, precisions.GetProperty("int8").GetProperty("bytes_per_vector").GetInt32());
        Assert.Equal((dims + 7) / 8, precisions.GetProperty("binary").GetProperty("bytes_per_vector").GetInt32());
        var bad = await SimilProcess.RunAsync("evaluate", Shared("gensim/wordsim353.tsv"), "--vectors", Shared("gensim/euclidean_vectors.bin"), "--precision", "int3");
        Assert.Contains("valid precisions: all, float32", SimilProcess.AssertOneLineError(bad, 2));
    }

    [Fact]
    public async Task Two_models_are_compared_side_by_side()
    {
        using var files = new TempFiles();
        var pairs = files.Write("pairs.tsv", "king\tqueen\t8.6\ncup\tmug\t9.1\ntiger\tcat\t7.4\nstock\tjaguar\t0.9\nnoon\tstring\t0.5\n");
        var r = await SimilProcess.RunAsync("evaluate", pairs, "--model", "all-MiniLM-L6-v2", "--model", "arctic-embed-xs", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        var models = doc.RootElement.GetProperty("models");
        Assert.Equal(["all-MiniLM-L6-v2", "arctic-embed-xs"], models.EnumerateObject().Select(m => m.Name));
        var one = await SimilProcess.RunAsync("evaluate", pairs, "--model", "arctic-embed-xs", "--json");
        using var single = System.Text.Json.JsonDocument.Parse(one.Stdout);
        Assert.Equal(single.RootElement.GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble(),
            models.GetProperty("arctic-embed-xs").GetProperty("scores").GetProperty("cosine").GetProperty("spearman").GetDouble());
        var table = await SimilProcess.RunAsync("evaluate", pairs, "--model", "all-MiniLM-L6-v2", "--model", "arctic-embed-xs");
        Assert.Contains("arctic-embed-xs", table.Stdout);
        foreach (var (args, says) in new (string[], string)[]
        {
            (["evaluate", pairs, "--model", "all-MiniLM-L6-v2", "--model", "arctic-embed-xs", "--precision", "all"], "one --model"),
            (["evaluate", pairs, "--model", "all-MiniLM-L6-v2", "--model", "gpt-9"], "unknown model 'gpt-9'"),
        })
            Assert.Contains(says, SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2));
    }
}
