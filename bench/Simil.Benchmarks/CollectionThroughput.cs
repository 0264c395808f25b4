using System.Diagnostics;
using System.Globalization;
using System.Text;
using Simil.Collections;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 22's measurements on one machine, one run: upsert latency into an HNSW collection (1 record,
/// fsync included; batches of 1,000) against today's full rewrite (<c>index add</c>: Append + Save);
/// recall@10 after deleting 10/30/50 % of rows with deletions excluded inside the walk, against the
/// naive post-filter (search, then drop deleted rows) and after compaction; filtered search at
/// 50/10/1/0.1 % selectivity against the exact filtered answer. Synthetic clustered rows (the
/// benchmark's own seeded generator). Peers on the same rows and the same writes: hnswlib
/// (<c>add_items</c>, <c>mark_deleted</c> of the same sets; Debian's python3-hnswlib, run by
/// <c>bench/collections-peers.py</c>) and USearch (<c>usearch_add</c> through libusearch_c), both
/// in memory with no durability. <c>collections [ROWS]</c>, default 100,000 × 384.
/// </summary>
static class CollectionThroughput
{
    const int Dims = 384, K = 10, Ef = 64;

    public static int Run(string repository, string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        // Fewer queries on a million rows: each exact answer scans them all.
        int Queries = rows > 200_000 ? 100 : 200;
        s_repository = repository;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Collections (issue 22): {rows:N0} × {Dims} HNSW (M 16, ef-construction 128), k {K}, ef {Ef}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"CPU: {Machine.CpuName()}, {Environment.ProcessorCount} cores; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}. Rows: {rows:N0} clustered synthetic rows (1,000 centres, seed 5), queries: {Queries} more from the same centres.");
        report.AppendLine();
        var data = Clustered(rows + Queries, 5);
        var corpus = EmbeddingMatrix.Create(data.AsSpan(0, rows * Dims), Dims, [.. Enumerable.Range(0, rows).Select(i => $"r{i}")]);
        var queries = Enumerable.Range(0, Queries).Select(q => data.AsSpan((rows + q) * Dims, Dims).ToArray()).ToArray();
        string root = Directory.CreateTempSubdirectory("simil-bench-coll-").FullName;
        try
        {
            var build = new IndexBuildOptions { Kind = VectorIndexKind.Hnsw };
            var clock = Stopwatch.StartNew();
            using var index = VectorIndex.Build(corpus, build);
            double buildSeconds = clock.Elapsed.TotalSeconds;
            string folder = Path.Combine(root, "coll");
            CollectionWriter.Create(folder, build, index, flushRows: 1_000_000);
            report.AppendLine(CultureInfo.InvariantCulture, $"Graph built in {buildSeconds:F1} s (both cores).");
            report.AppendLine();

            // The writes every store makes: 300 single rows, then 10 batches of 1,000.
            var random = new Random(9);
            var singles = Enumerable.Range(0, 300).Select(_ => Row(random)).ToArray();
            var batches = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 1000).Select(_ => Row(random)).ToArray()).ToArray();
            // Upserts: 1 record at a time, then batches of 1,000 (each one fsynced log record).
            var one = new List<double>();
            using (var writer = CollectionWriter.Open(folder))
            {
                for (int i = 0; i < singles.Length; i++)
                {
                    var row = new CollectionRow($"u{i}", singles[i], $"{{\"i\":{i}}}");
                    clock.Restart();
                    writer.Upsert([row]);
                    one.Add(clock.Elapsed.TotalMilliseconds);
                }
                var batchSeconds = new List<double>();
                for (int b = 0; b < batches.Length; b++)
                {
                    var batch = batches[b].Select((v, i) => new CollectionRow($"b{b}-{i}", v)).ToList();
                    clock.Restart();
                    writer.Upsert(batch);
                    batchSeconds.Add(clock.Elapsed.TotalSeconds);
                }
                // The upserts above only appended to the log; the graph work comes when the log is
                // written out as a segment: timed here, so that it can be set against the peers' adds.
                int logged = writer.State.LogRows;
                clock.Restart();
                writer.Flush();
                double flushSeconds = clock.Elapsed.TotalSeconds;
                s_flush = (logged, flushSeconds);
                one.Sort();
                batchSeconds.Sort();
                // Today's `index add` of one row: a new file of every row (Append + Save), timed 3 times.
                string file = Path.Combine(root, "whole.simil");
                index.Save(file);
                var rewrite = new List<double>();
                for (int t = 0; t < 3; t++)
                {
                    using var opened = VectorIndex.Open(file);
                    clock.Restart();
                    using var added = opened.Append(EmbeddingMatrix.Create(Row(random), Dims, [$"add{t}"]));
                    added.Save(file + ".new");
                    rewrite.Add(clock.Elapsed.TotalSeconds);
                }
                rewrite.Sort();
                report.AppendLine("## Upsert latency (fsync included)");
                report.AppendLine();
                report.AppendLine("| write | p50 | p99 | throughput | note |");
                report.AppendLine("|---|---:|---:|---:|---|");
                report.AppendLine(CultureInfo.InvariantCulture, $"| `CollectionWriter.Upsert` of 1 record (300 times) | {one[one.Count / 2]:F2} ms | {one[(int)(one.Count * 0.99)]:F2} ms | {1000 / one[one.Count / 2]:N0} records/s | target ≤ 5 ms |");
                report.AppendLine(CultureInfo.InvariantCulture, $"| `CollectionWriter.Upsert` of 1,000 records (10 times) | {batchSeconds[5] * 1000:F1} ms | {batchSeconds[^1] * 1000:F1} ms (max) | {1000 / batchSeconds[5]:N0} records/s | target ≥ 20,000 records/s |");
                report.AppendLine(CultureInfo.InvariantCulture, $"| today's `index add` of 1 row (Append + Save of a new file, 3 times) | {rewrite[1] * 1000:F0} ms | {rewrite[^1] * 1000:F0} ms (max) | | a full rewrite |");
                report.AppendLine(CultureInfo.InvariantCulture, $"| flush of the log's {s_flush.Rows:N0} rows into a segment (its graph built, both cores) | {s_flush.Seconds * 1000:F0} ms once | | {s_flush.Rows / s_flush.Seconds:N0} records/s | the graph work the upserts above deferred |");
                // The peers' in-memory adds of the same rows (no log, no fsync, no file).
                var (usearchBuild, usearchOne, usearchBatch) = USearchPeer.AddTimings(corpus, singles, batches);
                usearchOne.Sort();
                usearchBatch.Sort();
                report.AppendLine(CultureInfo.InvariantCulture, $"| USearch `usearch_add` of 1 row (in memory, no durability) | {usearchOne[usearchOne.Count / 2]:F2} ms | {usearchOne[(int)(usearchOne.Count * 0.99)]:F2} ms | {1000 / usearchOne[usearchOne.Count / 2]:N0} records/s | peer; its build of the {rows:N0} rows: {usearchBuild:F1} s |");
                report.AppendLine(CultureInfo.InvariantCulture, $"| USearch `usearch_add` of 1,000 rows (both cores) | {usearchBatch[5]:F1} ms | {usearchBatch[^1]:F1} ms (max) | {1_000_000 / usearchBatch[5]:N0} records/s | peer |");
                s_peerRows = (singles, batches);
                report.AppendLine("HNSWLIB_ADDS");
                report.AppendLine();
                report.AppendLine(CultureInfo.InvariantCulture, $"Graph builds of the {rows:N0} rows: Simil {buildSeconds:F1} s, USearch {usearchBuild:F1} s, hnswlib HNSWLIB_BUILD s (M 16, ef-construction 128, both cores).");
                report.AppendLine();
            }

            // Deletes: recall@10 of the live rows, deletions inside the walk vs. after it, then after compaction.
            report.AppendLine("## Recall@10 after deletes (exact answer: the live rows scanned)");
            report.AppendLine();
            report.AppendLine("| deleted | inside the walk | naive post-filter (search k, drop deleted) | fewer than k results (naive) | after compaction | hnswlib `mark_deleted` (same rows) | fewer than k (hnswlib) |");
            report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            string peerFolder = Path.Combine(root, "peer");
            Directory.CreateDirectory(peerFolder);
            WriteFloats(Path.Combine(peerFolder, "corpus.f32"), data.AsSpan(0, rows * Dims));
            WriteFloats(Path.Combine(peerFolder, "queries.f32"), data.AsSpan(rows * Dims, Queries * Dims));
            WriteFloats(Path.Combine(peerFolder, "singles.f32"), s_peerRows.Singles.SelectMany(v => v).ToArray());
            WriteFloats(Path.Combine(peerFolder, "batches.f32"), s_peerRows.Batches.SelectMany(b => b.SelectMany(v => v)).ToArray());
            var deleteRows = new List<string>();
            foreach (double fraction in new[] { 0.1, 0.3, 0.5 })
            {
                var deleted = new bool[rows];
                var r = new Random(31 + (int)(fraction * 100));
                var gone = Enumerable.Range(0, rows).OrderBy(_ => r.Next()).Take((int)(rows * fraction)).ToArray();
                foreach (int i in gone)
                    deleted[i] = true;
                var filter = new Deleted(deleted);
                double inside = 0, naive = 0;
                int shortNaive = 0;
                var truth = new int[Queries * K];
                Array.Fill(truth, -1);
                for (int qi = 0; qi < Queries; qi++)
                {
                    var q = queries[qi];
                    var exactList = index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true });
                    for (int j = 0; j < exactList.Length; j++)
                        truth[qi * K + j] = exactList[j].Index;
                    var exact = exactList.Select(n => n.Index).ToHashSet();
                    inside += index.Search(q, new SearchOptions { K = K, Ef = Ef, Filter = filter }).Count(n => exact.Contains(n.Index)) / (double)K;
                    var post = index.Search(q, new SearchOptions { K = K, Ef = Ef }).Where(n => !deleted[n.Index]).ToList();
                    naive += post.Count(n => exact.Contains(n.Index)) / (double)K;
                    if (post.Count < K)
                        shortNaive++;
                }
                WriteInts(Path.Combine(peerFolder, $"deleted-{(int)(fraction * 100)}.i32"), gone);
                WriteInts(Path.Combine(peerFolder, $"truth-{(int)(fraction * 100)}.i32"), truth);
                // After compaction: the live rows as one segment (the graph rebuilt here: no clean segment
                // exists); on a million rows only at 50 %, each rebuild taking minutes.
                if (rows > 200_000 && fraction < 0.5)
                {
                    deleteRows.Add(string.Create(CultureInfo.InvariantCulture, $"| {fraction:P0} | {inside / Queries:F4} | {naive / Queries:F4} | {shortNaive} of {Queries} queries | not run at this size |"));
                    continue;
                }
                var live = Enumerable.Range(0, rows).Where(i => !deleted[i]).ToArray();
                var liveData = new float[(long)live.Length * Dims];
                for (int j = 0; j < live.Length; j++)
                    corpus[live[j]].CopyTo(liveData.AsSpan(j * Dims, Dims));
                using var compacted = VectorIndex.Build(EmbeddingMatrix.Create(liveData, Dims), build);
                double after = 0;
                foreach (var q in queries)
                {
                    var exact = compacted.Search(q, new SearchOptions { K = K, Exact = true }).Select(n => n.Index).ToHashSet();
                    after += compacted.Search(q, new SearchOptions { K = K, Ef = Ef }).Count(n => exact.Contains(n.Index)) / (double)K;
                }
                deleteRows.Add(string.Create(CultureInfo.InvariantCulture, $"| {fraction:P0} | {inside / Queries:F4} | {naive / Queries:F4} | {shortNaive} of {Queries} queries | {after / Queries:F4} |"));
            }
            // hnswlib on the same rows, deletes and exact answers (run after Simil's part, alone on the machine).
            var peer = HnswlibPeer(peerFolder, rows, Queries);
            for (int f = 0; f < 3; f++)
            {
                var d = peer.GetProperty("deletes")[f];
                report.AppendLine(CultureInfo.InvariantCulture, $"{deleteRows[f]} {d.GetProperty("recall").GetDouble():F4} | {d.GetProperty("short").GetInt32()} of {Queries} queries |");
            }
            report.AppendLine();
            report.Replace("HNSWLIB_ADDS",
                string.Create(CultureInfo.InvariantCulture, $"| hnswlib `add_items` of 1 row (in memory, no durability) | {peer.GetProperty("one_p50_ms").GetDouble():F2} ms | {peer.GetProperty("one_p99_ms").GetDouble():F2} ms | {1000 / peer.GetProperty("one_p50_ms").GetDouble():N0} records/s | peer |\n") +
                string.Create(CultureInfo.InvariantCulture, $"| hnswlib `add_items` of 1,000 rows (both cores) | {peer.GetProperty("batch_p50_ms").GetDouble():F1} ms | {peer.GetProperty("batch_max_ms").GetDouble():F1} ms (max) | {1_000_000 / peer.GetProperty("batch_p50_ms").GetDouble():N0} records/s | peer |"));
            report.Replace("HNSWLIB_BUILD", peer.GetProperty("build_s").GetDouble().ToString("F1", CultureInfo.InvariantCulture));

            // Filtered search: selectivity by a metadata-free row filter (every n-th row), walk vs. exact.
            report.AppendLine("## Filtered search (recall@10 against the exact filtered answer, of as many rows as it has; queries per second on one thread)");
            report.AppendLine();
            report.AppendLine("| allowed | filtered walk recall | walk QPS | exact filtered scan QPS | planner's choice | queries |");
            report.AppendLine("|---:|---:|---:|---:|---|---:|");
            foreach (int every in new[] { 2, 10, 100, 1000 })
            {
                var filter = new EveryNth(every);
                // A walk through a graph that allows 1 row in 100 or 1,000 visits most of it: on a million rows, 20 queries.
                int asked = rows > 200_000 && every >= 100 ? 20 : Queries;
                double recall = 0;
                clock.Restart();
                var walked = queries.Take(asked).Select(q => index.Search(q, new SearchOptions { K = K, Ef = Ef, Filter = filter })).ToArray();
                double walkSeconds = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var exact = queries.Take(asked).Select(q => index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true })).ToArray();
                double exactSeconds = clock.Elapsed.TotalSeconds;
                for (int q = 0; q < asked; q++)
                    recall += walked[q].Count(n => exact[q].Any(e => e.Index == n.Index)) / (double)Math.Max(1, exact[q].Length);
                bool scan = rows / every < Math.Max(Ef, 0.05 * rows);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {1.0 / every:P1} | {recall / asked:F4} | {asked / walkSeconds:N0} | {asked / exactSeconds:N0} | {(scan ? "exact scan" : "walk")} | {asked} |");
            }
            report.AppendLine();
        }
        finally
        {
            Directory.Delete(root, true);
        }
        string path = ResultsFile.PathFor(repository, $"collections-{rows / 1000}k");
        ResultsFile.Write(path, report.ToString());
        Console.Out.Write(report);
        Console.Out.WriteLine($"→ {path}");
        return 0;
    }

    static (float[][] Singles, float[][][] Batches) s_peerRows;
    static string s_repository = ".";
    static (int Rows, double Seconds) s_flush;

    static void WriteFloats(string path, ReadOnlySpan<float> values)
    {
        using var file = File.Create(path);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    static void WriteInts(string path, ReadOnlySpan<int> values)
    {
        using var file = File.Create(path);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <summary>Runs <c>bench/collections-peers.py</c> (hnswlib) on the files in <paramref name="folder"/>; its JSON answer.</summary>
    static System.Text.Json.JsonElement HnswlibPeer(string folder, int rows, int queries)
    {
        string script = Path.Combine(s_repository, "bench", "collections-peers.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, folder, $"{rows}", $"{Dims}", $"{queries}", $"{K}", $"{Ef}" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"collections-peers.py failed: {stderr.Result}");
        return System.Text.Json.JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    sealed class Deleted(bool[] deleted) : IRowFilter
    {
        public bool Allows(int row) => !deleted[row];
    }

    sealed class EveryNth(int n) : IRowFilter
    {
        public bool Allows(int row) => row % n == 0;
    }

    static float[] Row(Random random) => [.. Enumerable.Range(0, Dims).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    internal static float[] Clustered(int count, int seed)
    {
        var random = new Random(seed);
        var centres = new float[1000 * Dims];
        for (int i = 0; i < centres.Length; i++)
            centres[i] = (float)(random.NextDouble() * 2 - 1);
        var data = new float[(long)count * Dims];
        for (int r = 0; r < count; r++)
        {
            int c = random.Next(1000);
            for (int d = 0; d < Dims; d++)
                data[(long)r * Dims + d] = centres[c * Dims + d] + (float)((random.NextDouble() * 2 - 1) * 0.35);
        }
        return data;
    }
}
