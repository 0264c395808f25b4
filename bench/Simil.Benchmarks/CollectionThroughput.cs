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
/// benchmark's own seeded generator). <c>collections [ROWS]</c>, default 100,000 × 384.
/// </summary>
static class CollectionThroughput
{
    const int Dims = 384, K = 10, Ef = 64, Queries = 200;

    public static int Run(string repository, string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
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

            // Upserts: 1 record at a time, then batches of 1,000 (each one fsynced log record).
            var one = new List<double>();
            var random = new Random(9);
            using (var writer = CollectionWriter.Open(folder))
            {
                for (int i = 0; i < 300; i++)
                {
                    var row = new CollectionRow($"u{i}", Row(random), $"{{\"i\":{i}}}");
                    clock.Restart();
                    writer.Upsert([row]);
                    one.Add(clock.Elapsed.TotalMilliseconds);
                }
                var batchSeconds = new List<double>();
                for (int b = 0; b < 10; b++)
                {
                    var batch = Enumerable.Range(0, 1000).Select(i => new CollectionRow($"b{b}-{i}", Row(random))).ToList();
                    clock.Restart();
                    writer.Upsert(batch);
                    batchSeconds.Add(clock.Elapsed.TotalSeconds);
                }
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
                report.AppendLine();
                report.AppendLine("Peers (hnswlib `add_items`, USearch `add`) were not run in this pass: hnswlib is not installed here and the USearch peer is not wired to this benchmark yet.");
                report.AppendLine();
            }

            // Deletes: recall@10 of the live rows, deletions inside the walk vs. after it, then after compaction.
            report.AppendLine("## Recall@10 after deletes (exact answer: the live rows scanned)");
            report.AppendLine();
            report.AppendLine("| deleted | inside the walk | naive post-filter (search k, drop deleted) | fewer than k results (naive) | after compaction |");
            report.AppendLine("|---:|---:|---:|---:|---:|");
            foreach (double fraction in new[] { 0.1, 0.3, 0.5 })
            {
                var deleted = new bool[rows];
                var r = new Random(31 + (int)(fraction * 100));
                foreach (int i in Enumerable.Range(0, rows).OrderBy(_ => r.Next()).Take((int)(rows * fraction)))
                    deleted[i] = true;
                var filter = new Deleted(deleted);
                double inside = 0, naive = 0;
                int shortNaive = 0;
                foreach (var q in queries)
                {
                    var exact = index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true }).Select(n => n.Index).ToHashSet();
                    inside += index.Search(q, new SearchOptions { K = K, Ef = Ef, Filter = filter }).Count(n => exact.Contains(n.Index)) / (double)K;
                    var post = index.Search(q, new SearchOptions { K = K, Ef = Ef }).Where(n => !deleted[n.Index]).ToList();
                    naive += post.Count(n => exact.Contains(n.Index)) / (double)K;
                    if (post.Count < K)
                        shortNaive++;
                }
                // After compaction: the live rows as one segment (the graph rebuilt here: no clean segment exists).
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
                report.AppendLine(CultureInfo.InvariantCulture, $"| {fraction:P0} | {inside / Queries:F4} | {naive / Queries:F4} | {shortNaive} of {Queries} queries | {after / Queries:F4} |");
            }
            report.AppendLine();

            // Filtered search: selectivity by a metadata-free row filter (every n-th row), walk vs. exact.
            report.AppendLine("## Filtered search (recall@10 against the exact filtered answer, of as many rows as it has; queries per second on one thread)");
            report.AppendLine();
            report.AppendLine("| allowed | filtered walk recall | walk QPS | exact filtered scan QPS | planner's choice |");
            report.AppendLine("|---:|---:|---:|---:|---|");
            foreach (int every in new[] { 2, 10, 100, 1000 })
            {
                var filter = new EveryNth(every);
                double recall = 0;
                clock.Restart();
                var walked = queries.Select(q => index.Search(q, new SearchOptions { K = K, Ef = Ef, Filter = filter })).ToArray();
                double walkSeconds = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var exact = queries.Select(q => index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true })).ToArray();
                double exactSeconds = clock.Elapsed.TotalSeconds;
                for (int q = 0; q < Queries; q++)
                    recall += walked[q].Count(n => exact[q].Any(e => e.Index == n.Index)) / (double)Math.Max(1, exact[q].Length);
                bool scan = rows / every < Math.Max(Ef, 0.05 * rows);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {1.0 / every:P1} | {recall / Queries:F4} | {Queries / walkSeconds:N0} | {Queries / exactSeconds:N0} | {(scan ? "exact scan" : "walk")} |");
            }
            report.AppendLine();
            report.AppendLine("pgvector 0.8 with `hnsw.iterative_scan` was not run in this pass.");
        }
        finally
        {
            Directory.Delete(root, true);
        }
        string path = ResultsFile.PathFor(repository, "collections");
        ResultsFile.Write(path, report.ToString());
        Console.Out.Write(report);
        Console.Out.WriteLine($"→ {path}");
        return 0;
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

    static float[] Clustered(int count, int seed)
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
