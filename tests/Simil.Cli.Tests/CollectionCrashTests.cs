using System.Diagnostics;
using System.Globalization;
using Simil.Collections;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 22's kill test: `index upsert`, `index delete` and `index compact` on a collection killed
/// (SIGKILL) at random moments until 200 kills have landed, with log flushes into segments along the way and the log
/// replayed by the next command; after every round the collection opens, verifies and holds exactly
/// the acknowledged writes — a command that returned is there, one that was killed is wholly there
/// or wholly absent.
/// </summary>
public sealed class CollectionCrashTests
{
    const int Dims = 32;

    static float[] Vector(string id, int version)
    {
        var random = new Random(HashCode.Combine(id.GetHashCode(StringComparison.Ordinal), version));
        return [.. Enumerable.Range(0, Dims).Select(_ => (float)Math.Round(random.NextDouble() * 2 - 1, 4))];
    }

    static string Jsonl(IEnumerable<(string Id, int Version)> rows) =>
        string.Concat(rows.Select(r => $"{{\"id\":\"{r.Id}\",\"v\":{r.Version},\"vector\":[{string.Join(',', Vector(r.Id, r.Version).Select(x => x.ToString("R", CultureInfo.InvariantCulture)))}]}}\n"));


    /// <summary>The collection's live ids and the vector version each holds (the version is the first value's identity).</summary>
    static Dictionary<string, float[]> State(string folder)
    {
        using var collection = Collection.Open(folder);
        return collection.Ids().ToDictionary(id => id, id => collection.Get(id)!.Vector);
    }

    [Fact]
    public async Task Killed_upserts_deletes_and_compactions_keep_exactly_the_acknowledged_writes()
    {
        using var files = new TempFiles();
        var token = TestContext.Current.CancellationToken;
        var folder = files.Path("coll");
        var initial = files.Write("initial.jsonl", Jsonl(Enumerable.Range(0, 1500).Select(i => ($"r{i}", 0))));
        var built = await SimilProcess.RunAsync("index", "build", initial, "--out", folder, "--kind", "hnsw", "--m", "8", "--ef-construction", "40", "--flush-rows", "700");
        Assert.True(built.ExitCode == 0, built.Stderr);
        var model = Enumerable.Range(0, 1500).ToDictionary(i => $"r{i}", i => Vector($"r{i}", 0));
        var random = new Random(22);
        int kills = 0, killedBefore = 0, killedAfter = 0, rounds = 0;
        // How long each command takes on this machine now (under whatever else runs): the kills are
        // drawn over that span, and the estimate follows every run that finishes.
        var seconds = new Dictionary<string, double>();
        foreach (var (op, args) in new (string, string[])[] { ("upsert", ["index", "upsert", folder, files.Write("warm.jsonl", Jsonl([("warm", 0)]))]),
            ("delete", ["index", "delete", folder, "--id", "warm"]), ("compact", ["index", "compact", folder]) })
        {
            var clock = Stopwatch.StartNew();
            var run = await SimilProcess.RunAsync(args);
            Assert.True(run.ExitCode == 0, run.Stderr);
            seconds[op] = clock.Elapsed.TotalSeconds;
        }
        for (int round = 0; kills < 200 && round < 600; round++, rounds++)
        {
            // The change this round makes, and the state it leads to.
            string op = (round % 10) switch { 9 => "compact", 3 or 6 => "delete", _ => "upsert" };
            var after = new Dictionary<string, float[]>(model);
            string[] args;
            if (op == "upsert")
            {
                // New ids and replacements of live ones, in one file: one write.
                var ids = Enumerable.Range(0, 150).Select(i => ($"n{round}-{i}", round)).Concat(model.Keys.OrderBy(_ => random.Next()).Take(50).Select(id => (id, round))).ToList();
                var batch = files.Write($"batch{round}.jsonl", Jsonl(ids));
                foreach (var (id, version) in ids)
                    after[id] = Vector(id, version);
                args = ["index", "upsert", folder, batch];
            }
            else if (op == "delete")
            {
                var gone = model.Keys.OrderBy(_ => random.Next()).Take(40).ToArray();
                foreach (var id in gone)
                    after.Remove(id);
                args = ["index", "delete", folder, "--id", .. gone];
            }
            else
                args = ["index", "compact", folder];

            var clock = Stopwatch.StartNew();
            using var process = SimilProcess.Start(args);
            await Task.Delay(TimeSpan.FromSeconds(seconds[op] * (0.2 + 0.9 * random.NextDouble())), token);
            bool running = !process.HasExited;
            if (running)
            {
                process.Kill(entireProcessTree: true);
                kills++;
            }
            await process.WaitForExitAsync(token);
            if (!running)
            {
                Assert.True(process.ExitCode == 0, $"round {round} ({op}): {await process.StandardError.ReadToEndAsync(token)}");
                seconds[op] = seconds[op] * 0.7 + clock.Elapsed.TotalSeconds * 0.3;
            }

            var state = State(folder);
            bool isAfter = Same(state, after), isBefore = Same(state, model);
            Assert.True(isAfter || (running && isBefore), $"round {round} ({op}, {(running ? "killed" : "returned")}): {state.Count} live rows match neither the state before ({model.Count}) nor after ({after.Count})");
            if (running && op != "compact")
            {
                if (isAfter && !isBefore)
                    killedAfter++;
                else
                    killedBefore++;
            }
            model = isAfter ? after : model;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{rounds} rounds: {kills} kills (SIGKILL) while running; {killedBefore} left the state before the write, {killedAfter} the state after it; every state opened and matched one of the two");
        Assert.True(kills >= 200 && killedBefore > 0 && killedAfter > 0, $"{kills} kills, {killedBefore} before, {killedAfter} after: the kills did not land on both sides of the writes");

        // The collection still verifies and searches after all of that, its files those of one manifest.
        using var final = Collection.Open(folder);
        Assert.Equal(model.Count, final.Count);
        var query = Vector("query", 1);
        var exact = final.Search(query, 10, exact: true).Select(h => h.Id).ToList();
        Assert.Equal(model.OrderByDescending(kv => (double)Similarity.Cosine(query, kv.Value)).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(10).Select(kv => kv.Key).ToHashSet(), exact.ToHashSet());
    }

    static bool Same(Dictionary<string, float[]> state, Dictionary<string, float[]> model) =>
        state.Count == model.Count && state.All(kv => model.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));
}
