using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Simil.Cli.Tests;

/// <summary><c>simil index build|add|info|verify</c> and <c>search</c> on an index file, end to end.</summary>
public sealed class IndexCommandTests
{
    static string Rows(int count, int dims, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (int r = 0; r < count; r++)
            text.AppendLine(string.Join(' ', Enumerable.Range(0, dims).Select(_ => (random.NextDouble() * 2 - 1).ToString("R", CultureInfo.InvariantCulture))));
        return text.ToString();
    }

    [Fact]
    public async Task Vectors_build_add_info_verify_and_search()
    {
        using var files = new TempFiles();
        var a = files.Write("a.txt", Rows(300, 8, 1));
        var b = files.Write("b.txt", Rows(20, 8, 2));
        var index = files.Path("v.simil");
        var built = await SimilProcess.RunAsync("index", "build", a, "--out", index, "--metric", "l2sq", "--kind", "hnsw", "--m", "8");
        Assert.True(built.ExitCode == 0, built.Stderr);
        var added = await SimilProcess.RunAsync("index", "add", index, b);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var info = await SimilProcess.RunAsync("index", "info", index, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        using (var json = JsonDocument.Parse(info.Stdout))
        {
            var root = json.RootElement;
            Assert.Equal(320, root.GetProperty("count").GetInt32());
            Assert.Equal(8, root.GetProperty("dimensions").GetInt32());
            Assert.Equal("l2sq", root.GetProperty("metric").GetString());
            Assert.Equal("hnsw", root.GetProperty("kind").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("model").ValueKind);
            Assert.Equal(new FileInfo(index).Length, root.GetProperty("bytes").GetInt64());
        }
        var verify = await SimilProcess.RunAsync("index", "verify", index);
        Assert.True(verify.ExitCode == 0, verify.Stderr);

        // The graph's answer and the exact scan's, against a plain exact search of the same rows.
        var all = files.Write("all.txt", Rows(300, 8, 1) + Rows(20, 8, 2));
        string query = "[0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8]";
        var plain = await SimilProcess.RunAsync("search", all, "--query", query, "--metric", "l2sq", "-k", "5", "--json");
        var exact = await SimilProcess.RunAsync("search", index, "--query", query, "-k", "5", "--exact", "--json");
        var graph = await SimilProcess.RunAsync("search", index, "--query", query, "-k", "5", "--ef", "300", "--json");
        Assert.True(plain.ExitCode == 0 && exact.ExitCode == 0 && graph.ExitCode == 0, plain.Stderr + exact.Stderr + graph.Stderr);
        Assert.Equal(plain.Stdout, exact.Stdout);
        Assert.Equal(plain.Stdout, graph.Stdout);
    }

    [Fact]
    public async Task Texts_are_embedded_once_and_only_the_query_after()
    {
        using var files = new TempFiles();
        var texts = files.Write("t.txt", "A man is playing a guitar.\nA woman is slicing an onion.\nThe cat sleeps on the sofa.\n");
        var index = files.Path("t.simil");
        var built = await SimilProcess.RunAsync("index", "build", texts, "--out", index);
        Assert.True(built.ExitCode == 0, built.Stderr);
        var more = files.Write("more.txt", "Someone plays the violin.\n");
        var added = await SimilProcess.RunAsync("index", "add", index, more);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var found = await SimilProcess.RunAsync("search", index, "--query", "A person plays an instrument.", "-k", "2", "--json");
        Assert.True(found.ExitCode == 0, found.Stderr);
        using var json = JsonDocument.Parse(found.Stdout);
        var keys = json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ToArray();
        Assert.Contains("A man is playing a guitar.", keys);
        Assert.Contains("Someone plays the violin.", keys);
        var info = await SimilProcess.RunAsync("index", "info", index, "--json");
        Assert.Contains("\"model\":\"all-MiniLM-L6-v2\"", info.Stdout);
    }

    [Fact]
    public async Task Bad_input_is_one_line_exit_2_and_the_index_unchanged()
    {
        using var files = new TempFiles();
        var a = files.Write("a.txt", Rows(50, 8, 3));
        var index = files.Path("v.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", a, "--out", index, "--kind", "hnsw", "--metric", "dot")).ExitCode);
        var before = await File.ReadAllBytesAsync(index, TestContext.Current.CancellationToken);
        var otherDims = files.Write("c.txt", Rows(5, 5, 4));
        var texts = files.Write("t.txt", "hello world\n");
        string query = "[1, 2, 3, 4, 5, 6, 7, 8]";
        var cases = new (string[] Args, string Says)[]
        {
            (["index", "add", index, otherDims], "has 5 dimensions but"),
            (["index", "add", index, texts], "was built from vectors"),
            (["search", index, "--query", "[1, 2, 3]"], "the query has 3 dimensions"),
            (["search", index, "--query", query, "-k", "10", "--ef", "4"], "below k"),
            (["search", index, "--query", query, "--metric", "cosine"], "differs from dot"),
            (["search", index, "--query", query, "--metric", "nonsense"], "unknown metric 'nonsense'"),
            (["search", index, "--query", "a text"], "as a text all-MiniLM-L6-v2 would give 384 dimensions, not its 8"),
            (["index", "build", a, "--out", index, "--kind", "ivf"], "not an index kind"),
            (["index", "build", a, "--out", index, "--kind", "hnsw", "--metric", "l1"], "--metric: an hnsw index ranks by dot, cosine, l2sq or l2; use a flat index for l1"),
        };
        foreach (var (args, says) in cases)
        {
            var result = await SimilProcess.RunAsync(args);
            var line = SimilProcess.AssertOneLineError(result, 2);
            Assert.Contains(says, line);
            Assert.Equal(before, await File.ReadAllBytesAsync(index, TestContext.Current.CancellationToken));
        }

        var broken = files.Path("broken.simil");
        var bytes = (byte[])before.Clone();
        bytes[^10] ^= 0x40;
        await File.WriteAllBytesAsync(broken, bytes, TestContext.Current.CancellationToken);
        Assert.Contains("does not match its checksum", SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("index", "verify", broken), 2));
        Assert.Contains("does not match its checksum", SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("search", broken, "--query", query), 2));
        bytes = (byte[])before.Clone();
        bytes[8] = 9;
        bytes[10] = 0;   // minor version 0: the message names 9.0
        await File.WriteAllBytesAsync(broken, bytes, TestContext.Current.CancellationToken);
        Assert.Contains("version 9.0 is not supported", SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("index", "info", broken), 2));
    }

    [Fact]
    public async Task Compressed_indexes_build_search_rescore_and_report_their_recall()
    {
        using var files = new TempFiles();
        var a = files.Write("a.txt", Rows(400, 16, 3));
        var b = files.Write("b.txt", Rows(30, 16, 4));
        var calibration = files.Write("calibration.txt", Rows(50, 16, 5));
        string query = "[" + string.Join(", ", Enumerable.Range(0, 16).Select(i => (i % 3 - 1).ToString(CultureInfo.InvariantCulture))) + "]";
        var exact = files.Path("f32.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", a, "--out", exact)).ExitCode);
        var expected = await SimilProcess.RunAsync("search", exact, "--query", query, "-k", "5", "--json");
        foreach (var (precision, kind) in new[] { ("int8", "flat"), ("binary", "hnsw"), ("float16", "flat"), ("bfloat16", "hnsw") })
        {
            var index = files.Path($"{precision}-{kind}.simil");
            string[] build = precision == "int8"
                ? ["index", "build", a, "--out", index, "--precision", precision, "--rescore", "--kind", kind, "--calibration", calibration]
                : ["index", "build", a, "--out", index, "--precision", precision, "--rescore", "--kind", kind];
            var built = await SimilProcess.RunAsync(build);
            Assert.True(built.ExitCode == 0, built.Stderr);
            Assert.Contains($"{precision} + float32 for rescoring", built.Stdout);
            // Every row rescored: the exact answer, scores and all, bit for bit as the float32 index prints them.
            var all = await SimilProcess.RunAsync("search", index, "--query", query, "-k", "5", "--oversample", "400", "--json", "--ef", "400");
            if (kind == "flat")
                all = await SimilProcess.RunAsync("search", index, "--query", query, "-k", "5", "--oversample", "400", "--json");
            Assert.True(all.ExitCode == 0, all.Stderr);
            Assert.Equal(expected.Stdout, all.Stdout);
            var info = await SimilProcess.RunAsync("index", "info", index, "--json", "--recall", "50");
            Assert.True(info.ExitCode == 0, info.Stderr);
            using var json = JsonDocument.Parse(info.Stdout);
            Assert.Equal(precision, json.RootElement.GetProperty("precision").GetString());
            Assert.True(json.RootElement.GetProperty("rescore").GetBoolean());
            var recall = json.RootElement.GetProperty("recall");
            Assert.Equal(50, recall.GetProperty("queries").GetInt32());
            Assert.Equal("float32", recall.GetProperty("against").GetString());
            Assert.InRange(recall.GetProperty("value").GetDouble(), 0.5, 1.0);
            var added = await SimilProcess.RunAsync("index", "add", index, b);
            Assert.True(added.ExitCode == 0, added.Stderr);
            var verified = await SimilProcess.RunAsync("index", "verify", index);
            Assert.True(verified.ExitCode == 0, verified.Stderr);
            Assert.Contains("430 rows", verified.Stdout);
        }
    }

    [Fact]
    public async Task Compressed_index_settings_are_checked_and_nothing_is_written()
    {
        using var files = new TempFiles();
        var a = files.Write("a.txt", Rows(50, 8, 6));
        var otherDims = files.Write("other.txt", Rows(5, 3, 7));
        var target = files.Path("new.simil");
        var float32 = files.Path("f32.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", a, "--out", float32)).ExitCode);
        var cases = new (string[] Args, string Says)[]
        {
            (["index", "build", a, "--out", target, "--precision", "int4"], "valid precisions: float32, float16, bfloat16, int8, uint8, binary, ubinary"),
            (["index", "build", a, "--out", target, "--precision", "uint8"], "use that"),
            (["index", "build", a, "--out", target, "--rescore"], "--rescore: a float32 index scores every candidate exactly already"),
            (["index", "build", a, "--out", target, "--precision", "int8", "--calibration", otherDims], "has 3 dimensions but the rows have 8"),
            (["index", "build", a, "--out", target, "--precision", "binary", "--calibration", otherDims], "sets int8 ranges"),
            (["index", "build", a, "--out", target, "--precision", "int8", "--metric", "l1"], "a compressed index ranks by"),
            (["search", float32, "--query", "[1, 2, 3, 4, 5, 6, 7, 8]", "--oversample", "4"], "--oversample: applies to compressed indexes"),
            (["search", a, "--query", "[1, 2, 3, 4, 5, 6, 7, 8]", "--oversample", "4"], "apply to index files"),
            (["index", "info", float32, "--recall", "0"], "below 1"),
        };
        foreach (var (args, says) in cases)
        {
            Assert.Contains(says, SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2));
            Assert.False(File.Exists(target));
        }
    }

    /// <summary>
    /// Kills <c>index build</c> and <c>index add</c> at many moments: the file at the target always
    /// opens and verifies, and is the old file or the whole new one. It goes on until 8 kills of each
    /// command have landed; a run that finishes before its kill tells how long the command takes on
    /// the machine as it is now, and later kill times are drawn within that (a busy CI machine can
    /// run the commands at a speed quite unlike the first measured run).
    /// </summary>
    [Fact]
    public async Task Killing_build_and_add_leaves_a_whole_index()
    {
        using var files = new TempFiles();
        var rows = files.Write("rows.txt", Rows(6_000, 32, 5));
        var more = files.Write("more.txt", Rows(3_000, 32, 6));
        var small = files.Write("small.txt", Rows(10, 32, 7));
        var target = files.Path("x.simil");
        var reference = files.Path("ref.simil");

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", rows, "--out", reference, "--kind", "hnsw")).ExitCode);
        double buildSeconds = clock.Elapsed.TotalSeconds;
        var builtBytes = await File.ReadAllBytesAsync(reference, TestContext.Current.CancellationToken);
        clock.Restart();
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "add", reference, more)).ExitCode);
        double addSeconds = clock.Elapsed.TotalSeconds;
        var addedBytes = await File.ReadAllBytesAsync(reference, TestContext.Current.CancellationToken);

        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", small, "--out", target, "--kind", "hnsw")).ExitCode);
        var smallBytes = await File.ReadAllBytesAsync(target, TestContext.Current.CancellationToken);

        var random = new Random(8);
        int buildKills = 0, addKills = 0, rounds = 0;
        for (int round = 0; (buildKills < 8 || addKills < 8) && round < 96; round++, rounds++)
        {
            bool add = buildKills >= 8 || (addKills < 8 && round % 2 == 1);
            // For add, start from the built index; for build, from the small one.
            await File.WriteAllBytesAsync(target, add ? builtBytes : smallBytes, TestContext.Current.CancellationToken);
            string[] args = add ? ["index", "add", target, more] : ["index", "build", rows, "--out", target, "--kind", "hnsw"];
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "simil.dll") }.Concat(args))
                start.ArgumentList.Add(arg);
            var running = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            await Task.Delay(TimeSpan.FromSeconds((add ? addSeconds : buildSeconds) * random.NextDouble() * 1.1), TestContext.Current.CancellationToken);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                if (add) addKills++; else buildKills++;
            }
            else if (add)
                addSeconds = Math.Min(addSeconds, running.Elapsed.TotalSeconds);
            else
                buildSeconds = Math.Min(buildSeconds, running.Elapsed.TotalSeconds);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            var now = await File.ReadAllBytesAsync(target, TestContext.Current.CancellationToken);
            bool whole = now.AsSpan().SequenceEqual(add ? builtBytes : smallBytes) || now.AsSpan().SequenceEqual(add ? addedBytes : builtBytes);
            Assert.True(whole, $"round {round} ({(add ? "add" : "build")}): the index is neither the old file nor the whole new one ({now.Length} bytes)");
            var verify = await SimilProcess.RunAsync("index", "verify", target);
            Assert.True(verify.ExitCode == 0, verify.Stderr);
            foreach (var leftover in Directory.GetFiles(files.Folder, ".x.simil.tmp-*"))
                File.Delete(leftover);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{rounds} rounds: {buildKills} builds and {addKills} adds killed while running");
        Assert.True(buildKills >= 8 && addKills >= 8, $"{rounds} rounds: only {buildKills} builds and {addKills} adds were killed before they finished");
    }
}
