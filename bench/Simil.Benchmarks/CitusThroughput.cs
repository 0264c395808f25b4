using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Pgvector;
using Simil.IO;
using Simil.Postgres;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 25: <c>citus SERVER_URI COORDINATOR_URI FILE.npy [SHARDS]</c> loads the same rows into one
/// PostgreSQL + pgvector and into a Citus cluster (distributed by key over SHARDS shards, default 4),
/// on the same machine, and measures for each: export rows/s (<c>PostgresExport</c>, binary COPY in
/// one transaction), the HNSW build (m 16, ef_construction 64), exact read rows/s
/// (<c>PostgresReader</c>, median of 3), <c>simil audit</c>'s recall@10 at every ef_search it
/// sweeps (100 sampled rows), and the latency of the application's query (p50 of 200 rows as
/// queries) at the ef_search where each reaches recall 0.95 and at 40 for both.
/// </summary>
static class CitusThroughput
{
    const int Repetitions = 3, LatencyQueries = 200;
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    sealed record Target(string Name, string Server, bool Distributed);

    sealed class Figures
    {
        public double Export, Build, Audit;
        public double[] Read = new double[Repetitions];
        public AuditReport Report = null!;
        public Dictionary<int, double> P50 = [];
    }

    public static int Run(string repository, string[] args)
    {
        string single = args[1].TrimEnd('/'), coordinator = args[2].TrimEnd('/'), file = args[3];
        if (file == "--read-only")
            return ReadOnly(repository, single, coordinator);
        int shards = args.Length > 4 ? int.Parse(args[4], C) : 4;
        var rows = VectorFile.Read(file, new VectorReadOptions()).Vectors!;
        rows = rows.WithKeys([.. Enumerable.Range(0, rows.Count).Select(i => i.ToString(C))]);
        var targets = new[] { new Target("one node", single, false), new Target($"Citus, 2 workers, {shards} shards", coordinator, true) };
        var figures = targets.ToDictionary(t => t, _ => new Figures());
        string Source(Target t) => $"{t.Server}?table=items&column=embedding&key=key";
        var watch = new Stopwatch();

        foreach (var t in targets)
        {
            var f = figures[t];
            Sql(t.Server, ["DROP TABLE IF EXISTS items"]);
            watch.Restart();
            PostgresExport.Export(rows, Metric.Cosine, PostgresSource.Parse(Source(t)),
                new PostgresExportOptions { DistributeBy = t.Distributed ? "key" : null, Shards = t.Distributed ? shards : null });
            f.Export = watch.Elapsed.TotalSeconds;
            Analyze(t.Server);
            Console.Error.WriteLine($"{t.Name}: export {f.Export:F1} s");
            // The same memory for every build: 4 GB on the one node; on the cluster 2 GB a shard build,
            // sent to the workers with the CREATE INDEX (SET LOCAL, propagated).
            watch.Restart();
            Sql(t.Server, t.Distributed
                ? ["SET LOCAL citus.propagate_set_commands = 'local'", "SET LOCAL maintenance_work_mem = '2GB'", "CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"]
                : ["SET LOCAL maintenance_work_mem = '4GB'", "CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"]);
            f.Build = watch.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"{t.Name}: hnsw build {f.Build:F1} s");
        }
        // Reads alternate between the targets.
        for (int r = 0; r < Repetitions; r++)
            foreach (var t in r % 2 == 0 ? targets : targets.Reverse())
            {
                GC.Collect();
                watch.Restart();
                var read = PostgresReader.Read(PostgresSource.Parse(Source(t)));
                figures[t].Read[r] = watch.Elapsed.TotalSeconds;
                if (read.Count != rows.Count)
                    throw new InvalidOperationException($"{t.Name}: read {read.Count} rows of {rows.Count}");

                Console.Error.WriteLine($"{t.Name}: read {figures[t].Read[r]:F2} s");
            }
        foreach (var t in targets)
        {
            watch.Restart();
            figures[t].Report = PostgresAudit.Run(PostgresSource.Parse(Source(t)), null, 100, 10);
            figures[t].Audit = watch.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"{t.Name}: audit {figures[t].Audit:F1} s, " + string.Join(", ", figures[t].Report.Settings.Select(s => $"{s.Value}: {s.Recall:F4}")));
        }
        var random = new Random(9);
        var queries = Enumerable.Range(0, LatencyQueries).Select(_ => rows[random.Next(rows.Count)].ToArray()).ToArray();
        var efs = new SortedSet<int>(targets.Select(t => figures[t].Report.Reaches95 ?? 200)) { 40 };
        foreach (int ef in efs)
            foreach (var t in targets)
            {
                figures[t].P50[ef] = P50(t, ef, queries);
                Console.Error.WriteLine($"{t.Name}: ef_search {ef} p50 {figures[t].P50[ef]:F2} ms");
            }

        var md = new StringBuilder();
        md.AppendLine("# Simil on one PostgreSQL and on a Citus cluster (issue 25)");
        md.AppendLine();
        md.AppendLine(C, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; PostgreSQL 15 (Debian), pgvector 0.8.6 and Citus 12.1.12 built from ../shared/vendor, default settings; one node and the cluster (coordinator + 2 workers, `tests/Postgres/citus-cluster.sh`) on the **same machine**, so this measures the path and the merge, not a speed-up; `dotnet run -c Release --project bench/Simil.Benchmarks -- citus {single} {coordinator} {Path.GetFileName(file)} {shards}`");
        // Only the generator's own file is described as its output.
        string made = Path.GetFileName(file) == $"c{rows.Count}.npy" ? $" (`bench/any-size-data.py npy {rows.Count}`: 1,000 Gaussian centres, lengths in [0.5, 2])" : "";
        md.AppendLine(C, $"- Rows: {rows.Count:N0} × {rows.Dimensions} from `{Path.GetFileName(file)}`{made}, keys \"0\"…; the cluster's table distributed by key over {shards} shards ({shards / 2} a worker).");
        md.AppendLine();
        md.AppendLine("| | one node | Citus | Citus ÷ one node |");
        md.AppendLine("|---|---:|---:|---:|");
        var (a, b) = (figures[targets[0]], figures[targets[1]]);
        void Row(string what, double x, double y, string format) =>
            md.AppendLine(C, $"| {what} | {x.ToString(format, C)} | {y.ToString(format, C)} | {y / x:F2} |");
        Row("export (binary COPY, one transaction), rows/s", rows.Count / a.Export, rows.Count / b.Export, "N0");
        Row("HNSW build (m 16, ef_construction 64), s", a.Build, b.Build, "F1");
        Row($"exact read (`PostgresReader`, median of {Repetitions}), rows/s", rows.Count / Medians.Of(a.Read), rows.Count / Medians.Of(b.Read), "N0");
        Row("audit (read, exact top 10 of 100 queries, every pass), s", a.Audit, b.Audit, "F1");
        foreach (int ef in efs)
            Row($"query p50 at ef_search {ef} ({LatencyQueries} queries), ms", a.P50[ef], b.P50[ef], "F2");
        md.AppendLine();
        md.AppendLine(C, $"Reads: {string.Join(" / ", a.Read.Select(s => s.ToString("F2", C)))} s (one node), {string.Join(" / ", b.Read.Select(s => s.ToString("F2", C)))} s (Citus).");
        md.AppendLine();
        md.AppendLine("## audit: recall@10 at each ef_search (100 sampled rows, the same on both; each sweep stops once it passes 0.99 at 200 or more)");
        md.AppendLine();
        md.AppendLine("| hnsw.ef_search | one node | Citus | difference |");
        md.AppendLine("|---:|---:|---:|---:|");
        // Every setting either swept (each stops once it passes 0.99 at 200 or more): "—" where one did not get there.
        foreach (int value in a.Report.Settings.Select(s => s.Value).Union(b.Report.Settings.Select(s => s.Value)).Order())
        {
            var (x, y) = (a.Report.Settings.FirstOrDefault(s => s.Value == value), b.Report.Settings.FirstOrDefault(s => s.Value == value));
            string Recall(AuditSetting? s) => s is null ? "—" : s.Recall.ToString("F4", C);
            string difference = x is null || y is null ? "—" : (y.Recall - x.Recall).ToString("+0.0000;-0.0000;0", C);
            md.AppendLine(C, $"| {value} | {Recall(x)} | {Recall(y)} | {difference} |");
        }
        md.AppendLine();
        md.AppendLine(C, $"Recall 0.95 reached at ef_search {a.Report.Reaches95?.ToString(C) ?? "—"} (one node), {b.Report.Reaches95?.ToString(C) ?? "—"} (Citus); 0.99 at {a.Report.Reaches99?.ToString(C) ?? "—"} / {b.Report.Reaches99?.ToString(C) ?? "—"}. On the cluster the setting reached the shards: {b.Report.SettingReachesShards}. Session setting: {a.Report.CurrentSetting} (one node), {b.Report.CurrentSetting} on the shards (recall {a.Report.Recall:F4} / {b.Report.Recall:F4}).");
        md.AppendLine();
        md.AppendLine("Per shard, at the session's setting (audit's attribution of the exact answers):");
        md.AppendLine();
        md.AppendLine("| shard | node | rows | exact answers held | found | recall |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var s in b.Report.Shards)
            md.AppendLine(C, $"| {s.Shard} | {s.Node} | {s.Rows:N0} | {s.Answers:N0} | {s.Found:N0} | {s.Recall:F4} |");
        md.AppendLine();

        var path = ResultsFile.PathFor(repository, shards == 4 ? "citus" : $"citus-{shards}-shards");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md);
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    /// <summary>
    /// <c>citus SERVER_URI COORDINATOR_URI --read-only</c>: the tables of a full run again, reads
    /// only — Simil's <c>PostgresReader</c> against psql's <c>COPY … TO STDOUT (FORMAT binary)</c>
    /// into /dev/null, on each, alternating, 3 repetitions.
    /// </summary>
    static int ReadOnly(string repository, string single, string coordinator)
    {
        var targets = new[] { ("one node", single), ("Citus", coordinator) };
        const string Select = "SELECT key::text, embedding FROM items WHERE TRUE";
        var simil = targets.ToDictionary(t => t.Item1, _ => new double[Repetitions]);
        var copy = targets.ToDictionary(t => t.Item1, _ => new double[Repetitions]);
        int rows = 0;
        var watch = new Stopwatch();
        for (int r = 0; r < Repetitions; r++)
            foreach (var (name, server) in r % 2 == 0 ? targets : targets.Reverse())
            {
                GC.Collect();
                watch.Restart();
                rows = PostgresReader.Read(PostgresSource.Parse($"{server}?table=items&column=embedding&key=key")).Count;
                simil[name][r] = watch.Elapsed.TotalSeconds;
                GC.Collect();
                var uri = new Uri(server);
                watch.Restart();
                using (var process = Process.Start(new ProcessStartInfo("bash", ["-c", $"psql -h {uri.Host} -p {uri.Port} -U postgres -d simil -qc \"COPY ({Select}) TO STDOUT (FORMAT binary)\" > /dev/null"]) { UseShellExecute = false })!)
                    process.WaitForExit();
                copy[name][r] = watch.Elapsed.TotalSeconds;
                Console.Error.WriteLine($"{name}: Simil {simil[name][r]:F2} s, psql {copy[name][r]:F2} s");
            }
        var md = new StringBuilder();
        md.AppendLine("# Reading through a Citus coordinator (issue 25)");
        md.AppendLine();
        md.AppendLine(C, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; the tables `items` ({rows:N0} rows × 384) of the run in `citus-*.md`, on one node and on the cluster (4 shards, 2 workers, same machine); `dotnet run -c Release --project bench/Simil.Benchmarks -- citus {single} {coordinator} --read-only`");
        md.AppendLine();
        md.AppendLine(C, $"{Repetitions} repetitions, alternating; both run `{Select}` as one binary COPY. Simil decodes into native memory, psql writes the bytes to /dev/null.");
        md.AppendLine();
        md.AppendLine("| server | reader | median s | range s | rows/s | ÷ psql |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (name, _) in targets)
        {
            double ms = Medians.Of(simil[name]), mc = Medians.Of(copy[name]);
            md.AppendLine(C, $"| {name} | psql `COPY … TO STDOUT` > /dev/null | {mc:F2} | {copy[name].Min():F2}–{copy[name].Max():F2} | {rows / mc:N0} | 1.00 |");
            md.AppendLine(C, $"| {name} | Simil `PostgresReader.Read` | {ms:F2} | {simil[name].Min():F2}–{simil[name].Max():F2} | {rows / ms:N0} | {mc / ms:F2} |");
        }
        md.AppendLine();
        var path = ResultsFile.PathFor(repository, "citus-read");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md);
        return 0;
    }

    /// <summary>Median ms of the application's query, each query timed alone, in one transaction at the setting (propagated to the shards on Citus).</summary>
    static double P50(Target t, int ef, float[][] queries)
    {
        var uri = new Uri(t.Server);
        var builder = new NpgsqlDataSourceBuilder($"Host={uri.Host};Port={uri.Port};Username=postgres;Database=simil");
        builder.UseVector();
        using var source = builder.Build();
        using var connection = source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var set = new NpgsqlCommand((t.Distributed ? "SET LOCAL citus.propagate_set_commands = 'local'; " : "") + $"SET LOCAL hnsw.ef_search = {ef}", connection, transaction))
            set.ExecuteNonQuery();
        using var command = new NpgsqlCommand("SELECT key FROM items ORDER BY embedding <=> $1 LIMIT 10", connection, transaction);
        var parameter = command.Parameters.AddWithValue(new Vector(queries[0]));
        var times = new List<double>();
        var watch = new Stopwatch();
        for (int pass = 0; pass < 2; pass++)   // the first pass warms the caches and connections
            foreach (var q in queries)
            {
                parameter.Value = new Vector(q);
                watch.Restart();
                using (var reader = command.ExecuteReader())
                    while (reader.Read())
                    {
                    }
                if (pass == 1)
                    times.Add(watch.Elapsed.TotalMilliseconds);
            }
        transaction.Commit();
        return Medians.Of([.. times]);
    }

    /// <summary>The statements in one transaction.</summary>
    static void Sql(string server, string[] statements)
    {
        using var connection = Open(server);
        using var transaction = connection.BeginTransaction();
        foreach (var sql in statements)
            using (var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 })
                command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>VACUUM ANALYZE (outside any transaction; Citus runs it on every shard).</summary>
    static void Analyze(string server)
    {
        using var connection = Open(server);
        using var command = new NpgsqlCommand("VACUUM ANALYZE items", connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    static NpgsqlConnection Open(string server)
    {
        var uri = new Uri(server);
        var connection = new NpgsqlConnection($"Host={uri.Host};Port={uri.Port};Username=postgres;Database=simil;Command Timeout=0");
        connection.Open();
        return connection;
    }
}
