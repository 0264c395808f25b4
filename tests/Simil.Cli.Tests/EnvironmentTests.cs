namespace Simil.Cli.Tests;

/// <summary>Settings read from the environment are input too: a bad one is one line and exit 2.</summary>
public sealed class EnvironmentTests
{
    [Fact]
    public async Task An_unknown_SIMIL_KERNEL_is_one_line_that_lists_the_paths()
    {
        var result = await SimilProcess.RunAsync(new Dictionary<string, string> { ["SIMIL_KERNEL"] = "avx9000" }, "compare", "[1,2,3]", "[4,5,6]");
        var line = SimilProcess.AssertOneLineError(result, 2);
        Assert.Contains("SIMIL_KERNEL='avx9000'", line, StringComparison.Ordinal);
        foreach (var path in new[] { "scalar", "vector128", "vector256", "vector512" })
            Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("TypeInitialization", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_SIMIL_KERNEL_runs_the_command()
    {
        var result = await SimilProcess.RunAsync(new Dictionary<string, string> { ["SIMIL_KERNEL"] = "scalar" }, "compare", "[1,2,3]", "[4,5,6]", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("\"dot\":32", result.Stdout, StringComparison.Ordinal);
    }
}
