using System.Diagnostics;
using Simil.IO;

namespace Simil.Cli.Tests;

/// <summary>
/// Index files survive what happens to the process writing them: killed at random moments (SIGKILL,
/// 200 times over <c>index add</c> and <c>index build</c>, half of them while the new file is written), a full disk, and readers in this and
/// other processes while another process adds rows. Tested by doing it, not by reasoning.
/// </summary>
public sealed class IndexCrashTests
{
    const int Dims = 64;

    static string WriteRows(TempFiles files, string name, int rows, int seed)
    {
        var random = new Random(seed);
        var data = new float[rows * Dims];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        var path = files.Path(name);
        VectorFileWriter.Write(path, EmbeddingMatrix.Create(data, Dims), VectorFileFormat.Npy);
        return path;
    }


    static async Task<RunResult> Ok(params string[] args)
    {
        var result = await SimilProcess.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"simil {string.Join(' ', args)}: {result.Stderr}");
        return result;
    }

    /// <summary>The index opens, verifies, and answers; returns its row count and its top 5 for the query.</summary>
    static (int Count, int[] Top) Inspect(string path, float[] query)
    {
        using var index = VectorIndex.Open(path);
        index.Verify();
        return (index.Count, index.Search(query, 5).Select(n => n.Index).ToArray());
    }

    [Fact]
    public async Task Killed_builds_and_adds_leave_the_old_index_or_the_new_one()
    {
        using var files = new TempFiles();
        var token = TestContext.Current.CancellationToken;
        // Small enough that 200 rounds take a minute or two, large enough that a write takes a while.
        var a = WriteRows(files, "a.npy", 8_000, 1);
        var b = WriteRows(files, "b.npy", 1_000, 2);
        var ab = files.Path("ab.npy");
        VectorFileWriter.Write(ab, EmbeddingMatrix.Create(
            [.. VectorFile.Read(a).Vectors!.Data.ToArray(), .. VectorFile.Read(b).Vectors!.Data.ToArray()], Dims), VectorFileFormat.Npy);
        var query = Enumerable.Range(0, Dims).Select(i => MathF.Sin(i)).ToArray();

        // Per kind: the old index (from a), and the two ways to the new state: add b, or build a+b.
        var cases = new List<(string Kind, string[] Args, byte[] Old, (int, int[]) OldState, (int, int[])[] NewStates, double Seconds)>();
        foreach (var kind in new[] { "flat", "hnsw" })
        {
            var old = files.Path($"old-{kind}.simil");
            await Ok("index", "build", a, "--out", old, "--kind", kind);
            var added = files.Path($"added-{kind}.simil");
            File.Copy(old, added);
            var clock = Stopwatch.StartNew();
            await Ok("index", "add", added, b);
            double addSeconds = clock.Elapsed.TotalSeconds;
            var rebuilt = files.Path($"rebuilt-{kind}.simil");
            clock.Restart();
            await Ok("index", "build", ab, "--out", rebuilt, "--kind", kind);
            double buildSeconds = clock.Elapsed.TotalSeconds;
            var oldState = Inspect(old, query);
            (int, int[])[] newStates = [Inspect(added, query), Inspect(rebuilt, query)];
            var target = files.Path($"target-{kind}.simil");
            cases.Add((kind, ["index", "add", target, b], File.ReadAllBytes(old), oldState, newStates, addSeconds));
            cases.Add((kind, ["index", "build", ab, "--out", target, "--kind", kind], File.ReadAllBytes(old), oldState, newStates, buildSeconds));
        }

        var random = new Random(14);
        int kills = 0, killedOld = 0, killedNew = 0, midWrite = 0;
        for (int round = 0; round < 200; round++)
        {
            var (kind, args, oldBytes, oldState, newStates, seconds) = cases[round % cases.Count];
            string target = args[1] == "add" ? args[2] : args[^3];
            await File.WriteAllBytesAsync(target, oldBytes, token);
            int temporaries = Directory.GetFiles(files.Folder, "*.tmp-*").Length;
            using var process = SimilProcess.Start(args);
            if (round % 2 == 0)
                await Task.Delay(TimeSpan.FromSeconds(seconds * random.NextDouble() * 1.1), token);   // any moment of the run
            else
            {
                // The write itself: wait for the temporary file to appear, then up to 20 ms more.
                while (!process.HasExited && Directory.GetFiles(files.Folder, "*.tmp-*").Length == temporaries)
                    await Task.Delay(1, token);
                await Task.Delay(random.Next(0, 20), token);
            }
            bool running = !process.HasExited;
            if (running)
            {
                process.Kill(entireProcessTree: true);
                kills++;
            }
            await process.WaitForExitAsync(token);
            // A temporary file left behind: the kill landed while the new index was being written.
            if (Directory.GetFiles(files.Folder, "*.tmp-*").Length > temporaries)
                midWrite++;
            var (count, top) = Inspect(target, query);
            bool isOld = count == oldState.Item1;
            Assert.True(isOld || count == newStates[0].Item1, $"round {round} ({kind} {args[1]}): {count} rows is neither the old nor the new count");
            // A flat index answers exactly: its top 5 must be the old state's or the new state's.
            if (kind == "flat")
                Assert.True(isOld ? top.SequenceEqual(oldState.Item2) : newStates.Any(s => top.SequenceEqual(s.Item2)), $"round {round}: the answers match neither state");
            if (running && isOld)
                killedOld++;
            if (running && !isOld)
                killedNew++;
        }
        // The kills must have landed during the writes, or this tested nothing.
        TestContext.Current.TestOutputHelper?.WriteLine($"200 rounds: {kills} kills (SIGKILL) while running, {midWrite} of them while the new file was being written; {killedOld} left the old index, {killedNew} the new one; every index opened, verified and answered as one of the two");
        Assert.True(kills >= 100 && killedOld > 0 && midWrite > 0, $"{kills} kills, {midWrite} mid-write, {killedOld} left the old state, {killedNew} the new one");

        // A successful write removes what killed writers left behind.
        foreach (var c in cases.Where(c => c.Args[1] == "add"))
        {
            var target = c.Args[2];
            await Ok("index", "add", target, b);
        }
        Assert.Empty(Directory.GetFiles(files.Folder, "*.tmp-*"));
    }

    [Fact]
    public async Task A_full_disk_is_a_one_line_error_and_the_old_index_stays()
    {
        using var files = new TempFiles();
        var token = TestContext.Current.CancellationToken;
        var small = WriteRows(files, "small.npy", 100, 3);
        var big = WriteRows(files, "big.npy", 20_000, 4);   // 5 MB of rows, more than the 2 MB disk
        var disk = files.Path("disk");
        Directory.CreateDirectory(disk);
        bool mounted = await Mount(disk);
        try
        {
            if (mounted)
            {
                var target = Path.Combine(disk, "index.simil");
                await Ok("index", "build", small, "--out", target);
                var oldBytes = await File.ReadAllBytesAsync(target, token);
                var result = await SimilProcess.RunAsync("index", "build", big, "--out", target);
                var line = SimilProcess.AssertOneLineError(result, 2);
                Assert.Contains(target, line, StringComparison.Ordinal);
                Assert.Contains("the old file is unchanged", line, StringComparison.Ordinal);
                Assert.Equal(oldBytes, await File.ReadAllBytesAsync(target, token));
                Assert.Equal(["index.simil"], Directory.GetFiles(disk).Select(Path.GetFileName));
            }
            else
            {
                // No tmpfs here (no privilege to mount): the same path with a write that fails midway.
                var target = files.Path("index.simil");
                await File.WriteAllTextAsync(target, "old", token);
                var error = Assert.Throws<InputException>(() => AtomicFile.Write(target, stream =>
                {
                    stream.Write(new byte[4096]);
                    throw new IOException("No space left on device");
                }));
                Assert.Contains("the old file is unchanged", error.Message, StringComparison.Ordinal);
                Assert.Equal("old", await File.ReadAllTextAsync(target, token));
                Assert.Single(Directory.GetFiles(files.Folder, "index.simil*"));
            }
        }
        finally
        {
            if (mounted)
                await Run("umount", disk);
        }
    }

    static async Task<bool> Mount(string folder) => await Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", folder) == 0;

    static async Task<int> Run(string program, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    /// <summary>Runs the tool to the end on this thread (no awaits: the reader threads keep the cores busy).</summary>
    static RunResult RunSync(params string[] args)
    {
        using var process = SimilProcess.Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new RunResult(process.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void Readers_here_and_in_other_processes_never_see_a_torn_index_while_another_process_adds()
    {
        using var files = new TempFiles();
        var a = WriteRows(files, "a.npy", 20_000, 5);
        var b = WriteRows(files, "b.npy", 2_000, 6);
        var target = files.Path("index.simil");
        Assert.Equal(0, RunSync("index", "build", a, "--out", target).ExitCode);
        var query = Enumerable.Range(0, Dims).Select(i => MathF.Cos(i)).ToArray();
        var literal = "[" + string.Join(",", query.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        const int Adds = 8;
        var counts = Enumerable.Range(0, Adds + 1).Select(i => 20_000 + 2_000 * i).ToHashSet();

        using var opened = VectorIndex.Open(target);
        var first = opened.Search(query, 5);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        int processes = 0;
        using var stop = new CancellationTokenSource();
        var threads = new List<Thread>();
        void Loop(Action body)
        {
            var thread = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        body();
                    }
                    catch (Exception e)
                    {
                        errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                    }
                }
            }) { IsBackground = true };
            thread.Start();
            threads.Add(thread);
        }
        // Threads on the index opened before the adds: it keeps answering as it did.
        for (int t = 0; t < 2; t++)
            Loop(() =>
            {
                if (!opened.Search(query, 5).SequenceEqual(first))
                    errors.Enqueue("the index opened before the adds changed its answer");
            });
        // Threads opening the file afresh: every state they see is whole (opens, verifies, answers).
        for (int t = 0; t < 2; t++)
            Loop(() =>
            {
                var (count, _) = Inspect(target, query);
                seen.AddOrUpdate(count, 1, (_, n) => n + 1);
                if (!counts.Contains(count))
                    errors.Enqueue($"opened with {count} rows");
            });
        // Another process searching the file, again and again.
        Loop(() =>
        {
            var result = RunSync("search", target, "--query", literal, "-k", "3", "--json");
            Interlocked.Increment(ref processes);
            if (result.ExitCode != 0 || !result.Stdout.Contains("\"rank\":3", StringComparison.Ordinal))
                errors.Enqueue($"a searching process: exit {result.ExitCode}: {result.Stderr.Trim()}");
        });

        for (int i = 0; i < Adds; i++)
        {
            var added = RunSync("index", "add", target, b);
            Assert.True(added.ExitCode == 0, added.Stderr);
        }
        stop.Cancel();
        foreach (var thread in threads)
            thread.Join();
        Assert.Empty(errors);
        Assert.Equal(20_000 + 2_000 * Adds, Inspect(target, query).Count);
        // The readers really ran across the adds: several states seen, and searching processes finished.
        Assert.True(seen.Count >= 2 && processes >= 2, $"states seen: {string.Join(", ", seen.Keys.Order())}; searching processes: {processes}");
    }
}
