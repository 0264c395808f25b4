using Simil.Testing;
using System.Diagnostics;

namespace Simil.VectorData.Tests;

/// <summary>The portability sample gives the same top results on Simil's store and on the in-memory connector.</summary>
public sealed class SampleTests
{
    static string Sts() => Repository.SharedData("stsbenchmark", "sts-test.csv");

    static async Task<string> RunAsync(string store)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Retrieval.dll"), Sts(), store, "400" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, errors);
        return output;
    }

    [Fact]
    public async Task The_sample_answers_alike_on_both_stores()
    {
        string simil = await RunAsync("simil");
        string inMemory = await RunAsync("inmemory");
        Assert.Equal(inMemory, simil);
        Assert.Equal(12, simil.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // three questions, three answers each
    }
}
