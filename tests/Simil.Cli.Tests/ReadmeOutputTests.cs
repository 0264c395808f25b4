using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>The README shows the real output of its main example.</summary>
public sealed class ReadmeOutputTests
{
    [Fact]
    public async Task The_readme_shows_what_compare_king_queen_prints()
    {
        var r = await SimilProcess.RunAsync("compare", "king", "queen");
        Assert.Equal(0, r.ExitCode);
        // The model's vectors differ in their last bits between CPUs: numbers within ReadmeOutput.Tolerance.
        var readme = File.ReadAllText(Repository.Path("README.md"));
        Assert.Null(ReadmeOutput.Difference(ReadmeOutput.After(readme, "compare \"king\" \"queen\""), r.Stdout));
    }

    [Fact]
    public void The_comparison_takes_last_digit_differences_and_nothing_more()
    {
        const string shown = "│ dot     │ 0.6807128 │ higher │\n│ l2sq    │ 0.6385745 │ lower  │\n";
        Assert.Null(ReadmeOutput.Difference(shown, shown));
        Assert.Null(ReadmeOutput.Difference(shown, "│ dot     │ 0.6807127 │ higher │\n│ l2sq    │ 0.638574 │ lower  │\n"));   // narrower column
        Assert.NotNull(ReadmeOutput.Difference(shown, shown.Replace("0.6385745", "0.6386745", StringComparison.Ordinal)));
        Assert.NotNull(ReadmeOutput.Difference(shown, shown.Replace("lower", "higher", StringComparison.Ordinal)));
        Assert.NotNull(ReadmeOutput.Difference(shown, shown + "│ cosine  │ 0.6807128 │ higher │\n"));
        Assert.NotNull(ReadmeOutput.Difference("rows 2,552", "rows 2,553"));
        // A number shown with 4 decimals may round the other way by one unit, not more.
        Assert.Null(ReadmeOutput.Difference("│ 0.8052 │", "│ 0.8051 │"));
        Assert.NotNull(ReadmeOutput.Difference("│ 0.8052 │", "│ 0.8050 │"));
        // A lone … stands for what the README leaves out, and nothing else.
        Assert.Null(ReadmeOutput.Difference("embedded 5 texts in … into a.npy\n", "embedded 5 texts in 0.2 s (25 texts/s) into a.npy\n"));
        Assert.Null(ReadmeOutput.Difference("│ 1 │ 0.5 │\n…\n", "│ 1 │ 0.5 │\n│ 2 │ 0.25 │\n"));
        Assert.NotNull(ReadmeOutput.Difference("embedded 5 texts in … into a.npy\n", "embedded 5 texts in 0.2 s into b.npy\n"));
        Assert.NotNull(ReadmeOutput.Difference("embedded 5 texts in … into a.npy\n", "embedded 6 texts in 0.2 s into a.npy\n"));
    }
}
