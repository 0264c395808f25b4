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
        var readme = File.ReadAllText(Repository.Path("README.md"));
        Assert.Contains("$ simil compare \"king\" \"queen\"\n" + r.Stdout, readme, StringComparison.Ordinal);
    }

}
