using System.Collections.Concurrent;

namespace Simil.Cli.Tests;

/// <summary>
/// Every command that reads a file, given an empty file, a directory, a missing file, /dev/null and
/// a binary file, and every command given wrong option values: one line naming what is wrong, exit
/// 2, no stack trace, and nothing written. The whole table runs; failures are reported together.
/// </summary>
public sealed class BadInputSweepTests
{
    // @ is the bad input; out.* is where a command would write.
    static readonly string[][] Commands =
    [
        ["compare", "a", "b", "--vectors", "@"],
        ["embed", "@", "--out", "out.npy"],
        ["matrix", "@", "--out", "out.npy"],
        ["search", "@", "--query", "[1,2,3]"],
        ["index", "build", "@", "--out", "out.simil"],
        ["index", "add", "idx.simil", "@"],
        ["index", "info", "@"],
        ["index", "verify", "@"],
        ["quantize", "@", "--precision", "int8", "--out", "out.npy"],
        ["neighbors", "a", "--vectors", "@"],
        ["evaluate", "@"],
        ["explain", "@", "--query", "[1,2,3]"],
        ["advise", "@"],
    ];

    static readonly string[][] WrongOptions =
    [
        ["compare", "[1,2]", "[3,4]", "--metric", "nope"],
        ["search", "m.txt", "--query", "[1,2,3]", "-k", "abc"],
        ["search", "m.txt", "--query", "[1,2,3]", "-k", "-1"],
        ["search", "idx.simil", "--query", "[1,2,3]", "--ef", "0"],
        ["search", "m.txt", "--query", "[1,2]"],
        ["matrix", "m.txt", "--format", "nope", "--out", "out.npy"],
        ["index", "build", "m.txt", "--out", "out.simil", "--kind", "nope"],
        ["index", "build", "m.txt", "--out", "out.simil", "--kind", "hnsw", "--m", "0"],
        ["index", "build", "m.txt", "--out", "out.simil", "--kind", "hnsw", "--ef-construction", "0"],
        ["index", "build", "m.txt", "--out", "out.simil", "--precision", "nope"],
        ["index", "info", "idx.simil", "--recall", "0"],
        ["quantize", "m.txt", "--precision", "nope", "--out", "out.npy"],
        ["compare", "[1,2]", "[3,4]", "--input-format", "nope"],
        ["compare", "[1,2]", "[1,2,3]"],
        ["compare", "[1,2", "[3,4]"],
        ["compare", "--nope"],
        ["nope"],
    ];

    [Fact]
    public async Task Every_command_refuses_bad_files_and_bad_options_in_one_line_and_writes_nothing()
    {
        using var files = new TempFiles();
        files.Write("empty.txt", "");
        Directory.CreateDirectory(files.Path("adir"));
        var random = new Random(3);
        var binary = new byte[3000];
        random.NextBytes(binary);
        await File.WriteAllBytesAsync(files.Path("binary.bin"), binary, TestContext.Current.CancellationToken);
        files.Write("m.txt", "1 2 3\n4 5 6\n");
        var setup = await SimilProcess.RunAsync("index", "build", files.Path("m.txt"), "--out", files.Path("idx.simil"));
        Assert.True(setup.ExitCode == 0, setup.Stderr);
        var before = Directory.GetFileSystemEntries(files.Folder).Order().ToArray();

        var cases = new List<string[]>();
        foreach (var input in new[] { files.Path("empty.txt"), files.Path("adir"), files.Path("missing.npy"), "/dev/null", files.Path("binary.bin") })
            foreach (var command in Commands)
                cases.Add([.. command.Select(a => a == "@" ? input : a)]);
        foreach (var command in WrongOptions)
            cases.Add([.. command.Select(a => a is "m.txt" or "idx.simil" ? files.Path(a) : a)]);
        // Where a command would write, it writes into the scratch folder (nothing may appear there).
        cases = [.. cases.Select(c => c.Select(a => a.StartsWith("out.", StringComparison.Ordinal) ? files.Path(a) : a).ToArray())];

        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = TestContext.Current.CancellationToken },
            async (args, _) =>
            {
                var result = await SimilProcess.RunAsync(args);
                var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                string name = "simil " + string.Join(' ', args.Select(a => a.Replace(files.Folder + "/", "", StringComparison.Ordinal)));
                if (result.ExitCode != 2 || result.Stdout.Length > 0 || lines.Length != 1 || !lines[0].StartsWith("simil: ", StringComparison.Ordinal)
                    || result.Stderr.Contains("   at ", StringComparison.Ordinal) || result.Stderr.Contains("internal error", StringComparison.Ordinal))
                    failures.Enqueue($"{name}: exit {result.ExitCode}, stderr: {result.Stderr.Trim()}");
            });
        Assert.True(failures.IsEmpty, string.Join('\n', failures));
        Assert.Equal(before, Directory.GetFileSystemEntries(files.Folder).Order().ToArray());
    }
}
