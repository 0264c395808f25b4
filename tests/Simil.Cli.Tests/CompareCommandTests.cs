using System.Globalization;
using System.Text.Json;

namespace Simil.Cli.Tests;

public sealed class CompareCommandTests
{
    [Fact]
    public async Task Literal_vectors_give_the_contract_json()
    {
        var r = await SimilProcess.RunAsync("compare", "[1,2,3]", "[4,5,6]", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("[1,2,3]", root.GetProperty("a").GetString());
        Assert.Equal("[4,5,6]", root.GetProperty("b").GetString());
        Assert.Equal("literal", root.GetProperty("source").GetString());
        Assert.Equal(3, root.GetProperty("dimensions").GetInt32());
        var scores = root.GetProperty("scores");
        Assert.Equal(["dot", "cosine", "l2sq"], scores.EnumerateObject().Select(p => p.Name));
        Assert.Equal(32f, scores.GetProperty("dot").GetSingle());
        Assert.Equal(27f, scores.GetProperty("l2sq").GetSingle());
        // The float32 nearest to 32/√1078 = 0.97463184619…, written so it reads back to the same bits.
        float cosine = scores.GetProperty("cosine").GetSingle();
        Assert.Equal((float)(32 / Math.Sqrt(14.0 * 77)), cosine);
        Assert.Equal("0.9746318", cosine.ToString("G7", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_table_shows_each_measure_with_its_orientation()
    {
        var r = await SimilProcess.RunAsync("compare", "[1, 2, 3]", "[4, 5, 6]");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Contains("\"[1, 2, 3]\" vs \"[4, 5, 6]\" · literal · 3 dimensions", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"│ dot\s+│\s+32 │ higher\s+│", r.Stdout);
        Assert.Matches(@"│ cosine\s+│\s+0\.9746318 │ higher\s+│", r.Stdout);
        Assert.Matches(@"│ l2sq\s+│\s+27 │ lower\s+│", r.Stdout);
        Assert.Contains("lengths 3.74166 and 8.77496", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task King_and_queen_have_the_models_known_cosine()
    {
        var r = await SimilProcess.RunAsync("compare", "king", "queen", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("all-MiniLM-L6-v2", root.GetProperty("source").GetString());
        Assert.Equal(384, root.GetProperty("dimensions").GetInt32());
        var scores = root.GetProperty("scores");
        float cosine = scores.GetProperty("cosine").GetSingle();
        Assert.InRange(cosine, 0.675f, 0.685f);
        // Unit vectors: cosine equals dot and l2sq = 2 − 2·cosine.
        Assert.InRange(scores.GetProperty("dot").GetSingle() - cosine, -1e-5f, 1e-5f);
        Assert.InRange(scores.GetProperty("l2sq").GetSingle() - (2 - 2 * cosine), -1e-5f, 1e-5f);
        Assert.Contains("Both vectors have length 1.000", root.GetProperty("notes")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("l1", "l1", 9f)]
    [InlineData("manhattan", "l1", 9f)]
    [InlineData("neg-dot", "neg-dot", -32f)]
    [InlineData("l2", "l2", 5.196152f)]
    public async Task One_metric_can_be_chosen(string name, string canonical, float expected)
    {
        var r = await SimilProcess.RunAsync("compare", "[1,2,3]", "[4,5,6]", "--metric", name, "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var scores = doc.RootElement.GetProperty("scores");
        var only = Assert.Single(scores.EnumerateObject());
        Assert.Equal(canonical, only.Name);
        Assert.Equal(expected, only.Value.GetSingle());
    }

    [Fact]
    public async Task Several_metrics_can_be_listed()
    {
        var r = await SimilProcess.RunAsync("compare", "[1,0]", "[0,0]", "-m", "cos,cosine-distance", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var scores = doc.RootElement.GetProperty("scores");
        Assert.Equal(0f, scores.GetProperty("cosine").GetSingle());
        Assert.Equal(1f, scores.GetProperty("cosine-distance").GetSingle());
    }

    [Fact]
    public async Task An_unknown_metric_lists_the_valid_ones()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "[1]", "[2]", "--metric", "cosin"), 2);
        Assert.Contains("unknown metric 'cosin'", line, StringComparison.Ordinal);
        Assert.Contains("cosine (cos)", line, StringComparison.Ordinal);
        Assert.Contains("l2sq (sqeuclidean, euclidean-squared)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, x, 3]", "column 5", "found 'x'")]
    [InlineData("[1, 2", "column 6", "expected ']'")]
    [InlineData("[]", "column 2", "empty")]
    [InlineData("[1,,2]", "column 4", "expected a number after ','")]
    [InlineData("[1, 1e39]", "column 5", "not a finite float32")]
    [InlineData("[1, NaN]", "column 5", "not a finite float32")]
    [InlineData("[1] 2", "column 5", "unexpected text")]
    public async Task An_unparsable_vector_names_the_column(string literal, string place, string what)
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "[1, 2, 3]", literal), 2);
        Assert.Contains("argument B", line, StringComparison.Ordinal);
        Assert.Contains(place, line, StringComparison.Ordinal);
        Assert.Contains(what, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vectors_of_different_lengths_are_refused()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "[1,2,3]", "[1,2]"), 2);
        Assert.Contains("different lengths: 3 and 2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vector_and_a_text_cannot_be_compared()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "[1,2,3]", "queen"), 2);
        Assert.Contains("A is a vector literal but B is a text", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_refused()
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("compare", "king", "queen", "--model", "gpt-9"), 2);
        Assert.Contains("unknown model 'gpt-9'; available: all-MiniLM-L6-v2", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compare", "[1]")]
    [InlineData("compare", "[1]", "[2]", "--frobnicate")]
    [InlineData("comparre", "[1]", "[2]")]
    public async Task Bad_usage_is_exit_code_two(params string[] args)
    {
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2);
        Assert.Contains("--help", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_explains_the_three_measures()
    {
        var r = await SimilProcess.RunAsync("compare", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("dot     the dot product Σ aᵢbᵢ: higher is closer", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("cosine  the cosine of the angle", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("l2sq    the squared Euclidean distance Σ (aᵢ−bᵢ)²: lower is closer", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--metric", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", r.Stdout, StringComparison.Ordinal);
    }
}
