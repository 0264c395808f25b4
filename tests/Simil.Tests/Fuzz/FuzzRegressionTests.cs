using Simil.Fuzz;
using Simil.Testing;

namespace Simil.Tests.Fuzz;

/// <summary>
/// Every input the fuzzer kept (fuzz/corpus/TARGET) and every crash or hang it found
/// (fuzz/crashes/TARGET) goes through the same target again: it must read or fail with an
/// <see cref="InputException"/>, within the allocation allowance, and finish.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "corpus", "crashes" })
        {
            var root = Repository.Path("fuzz", folder);
            if (!Directory.Exists(root))
                continue;
            foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
                foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                    data.Add(Path.GetFileName(dir), Path.GetRelativePath(Repository.Root, file));
        }
        return data;
    }

    [Fact]
    public void Every_target_has_a_saved_corpus()
    {
        foreach (var target in FuzzTargets.All.Keys)
            Assert.True(Directory.Exists(Repository.Path("fuzz", "corpus", target)) &&
                Directory.EnumerateFiles(Repository.Path("fuzz", "corpus", target)).Any(), $"fuzz/corpus/{target} is missing or empty");
    }

    [Fact]
    public void Rehashing_a_valid_index_file_changes_nothing()
    {
        var seeds = Directory.GetFiles(Repository.Path("fuzz", "corpus", "index"), "*.simil");
        Assert.NotEmpty(seeds);
        foreach (var seed in seeds)
        {
            var bytes = File.ReadAllBytes(seed);
            Assert.Equal(bytes, FuzzTargets.Rehash(bytes));
        }
    }

    // The timeout is a guard against a hang coming back (an endless loop), not a speed test.
    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Inputs))]
    public async Task A_saved_input_reads_or_fails_cleanly(string target, string file)
    {
        var bytes = await File.ReadAllBytesAsync(Repository.Path(file), TestContext.Current.CancellationToken);
        await Task.Run(() => FuzzTargets.Run(target, bytes), TestContext.Current.CancellationToken);
    }
}
