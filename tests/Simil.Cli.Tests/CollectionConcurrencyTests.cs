using System.Globalization;
using Simil.Collections;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 22's concurrency check: two processes at a time upserting disjoint ids into one collection
/// (each `index upsert` waits for the other's lock), 60 writes each with flushes into segments, while
/// this process reads snapshots throughout: no write is lost, and every snapshot is whole (each
/// batch wholly there or wholly absent, counts consistent).
/// </summary>
public sealed class CollectionConcurrencyTests
{
    const int Dims = 8, Writes = 60, Rows = 25;

    static string Batch(string writer, int write) => string.Concat(Enumerable.Range(0, Rows).Select(i =>
        $"{{\"id\":\"{writer}-{write}-{i}\",\"w\":\"{writer}\",\"vector\":[{string.Join(',', Enumerable.Range(0, Dims).Select(d => ((write * 31 + i * 7 + d) % 17 / 17.0).ToString("R", CultureInfo.InvariantCulture)))}]}}\n"));

    [Fact]
    public async Task Two_writer_processes_lose_nothing_and_readers_see_whole_snapshots()
    {
        using var files = new TempFiles();
        var token = TestContext.Current.CancellationToken;
        var folder = files.Path("coll");
        var seed = files.Write("seed.jsonl", Batch("seed", 0));
        var built = await SimilProcess.RunAsync("index", "build", seed, "--out", folder, "--flush-rows", "300");
        Assert.True(built.ExitCode == 0, built.Stderr);
        var batches = new Dictionary<string, string>();
        foreach (var writer in new[] { "a", "b" })
            for (int w = 0; w < Writes; w++)
                batches[$"{writer}{w}"] = files.Write($"{writer}{w}.jsonl", Batch(writer, w));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        int snapshots = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var snapshot = Collection.Open(folder);
                var ids = snapshot.Ids().ToList();
                Assert.Equal(snapshot.Count, ids.Count);
                // Every batch is wholly there or wholly absent.
                foreach (var group in ids.GroupBy(id => id[..id.LastIndexOf('-')]))
                    Assert.True(group.Count() == Rows, $"snapshot {snapshots}: batch {group.Key} has {group.Count()} of its {Rows} rows");
                snapshots++;
            }
        }, token);

        async Task Write(string writer)
        {
            for (int w = 0; w < Writes; w++)
            {
                var r = await SimilProcess.RunAsync("index", "upsert", folder, batches[$"{writer}{w}"]);
                Assert.True(r.ExitCode == 0, $"{writer}{w}: {r.Stderr}");
            }
        }
        await Task.WhenAll(Write("a"), Write("b"));
        await stop.CancelAsync();
        await reader;

        using var final = Collection.Open(folder);
        Assert.Equal(Rows * (1 + 2 * Writes), final.Count);
        foreach (var writer in new[] { "a", "b" })
            for (int w = 0; w < Writes; w++)
                Assert.NotNull(final.Get($"{writer}-{w}-{Rows - 1}"));
        Assert.True(snapshots > 10, $"only {snapshots} snapshots were read during the writes");
        Assert.True(final.Segments.Count > 1 || final.LogRows < Rows * 2 * Writes, "the log never flushed");
    }
}
