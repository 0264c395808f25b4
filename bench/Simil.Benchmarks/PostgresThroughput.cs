using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Pgvector;
using Simil.IO;
using Simil.Postgres;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 15 on a local PostgreSQL + pgvector: <c>postgres SERVER_URI FILE.npy [HNSW_ROWS]</c> loads
/// the file into a table by <c>PostgresExport</c>, then measures (interleaved, medians) Simil's read
/// of the table against <c>psql -c "COPY (…) TO STDOUT (FORMAT binary)" &gt; /dev/null</c>; pgvector's
/// exact top 10 (no index: a parallel sequential scan) against Simil's exact search of the rows read,
/// with the answers compared; and audit's recall of an HNSW index (m 16, ef_construction 64) on the
/// first HNSW_ROWS rows at every ef_search it tries.
/// </summary>
static class PostgresThroughput
{
    const int Repetitions = 3, Queries = 10;
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static int Run(string repository, string[] args)
    {
        string server = args[1].TrimEnd('/'), file = args[2];
        int hnswRows = args.Length > 3 && int.TryParse(args[3], C, out int given) ? given : 100_000;
        var uri = new Uri(server);
        string Source(string table) => $"{server}?table={table}&column=embedding&key=key";
        var md = new StringBuilder();
        md.AppendLine("# PostgreSQL + pgvector (issue 15)");
        md.AppendLine();
        md.AppendLine(C, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); kernel path {Similarity.ActiveKernelPath}; {DateTime.UtcNow:yyyy-MM-dd}; PostgreSQL 15 (Debian) + pgvector 0.8.6 built from ../shared/vendor, default settings, same machine; `dotnet run -c Release --project bench/Simil.Benchmarks -- postgres {server} {Path.GetFileName(file)} {hnswRows}`");
        md.AppendLine();

        // "--audit-only" after the file: the table and its HNSW index exist from a full run; audit again
        // with an independent check (the database's own exact answers by a forced sequential scan).
        if (args.Length > 3 && args[3] == "--audit-only")
            return AuditOnly(repository, server, uri);
        var rows = VectorFile.Read(file, new VectorReadOptions()).Vectors!;
        rows = rows.WithKeys([.. Enumerable.Range(0, rows.Count).Select(i => i.ToString(C))]);
        using (var connection = new NpgsqlConnection($"Host={uri.Host};Port={uri.Port};Username=postgres;Database=simil"))
        {
            connection.Open();
            using var drop = new NpgsqlCommand("DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS items_hnsw", connection);
            drop.ExecuteNonQuery();
        }
        var watch = Stopwatch.StartNew();
        PostgresExport.Write(rows, Metric.Cosine, PostgresSource.Parse(Source("items")), null);
        double exportSeconds = watch.Elapsed.TotalSeconds;
        Sql(uri, "VACUUM ANALYZE items");
        Console.Error.WriteLine($"export {rows.Count:N0} rows: {exportSeconds:F1} s");
        md.AppendLine(C, $"Rows: {rows.Count:N0} × {rows.Dimensions} from `{Path.GetFileName(file)}` (float32), written by `PostgresExport` (binary COPY, one transaction) in {exportSeconds:F1} s = {rows.Count / exportSeconds:N0} rows/s.");
        md.AppendLine();

        // 1. Reading the table.
        var simil = new double[Repetitions];
        var copy = new double[Repetitions];
        EmbeddingMatrix? read = null;
        string select = "SELECT key::text, embedding FROM items WHERE TRUE";
        for (int r = 0; r < Repetitions; r++)
        {
            for (int order = 0; order < 2; order++)
            {
                if ((order + r) % 2 == 0)
                {
                    read = null;
                    GC.Collect();
                    watch.Restart();
                    read = PostgresReader.Read(PostgresSource.Parse(Source("items")));
                    simil[r] = watch.Elapsed.TotalSeconds;
                }
                else
                {
                    watch.Restart();
                    Shell($"psql -h {uri.Host} -p {uri.Port} -U postgres -d simil -qc \"COPY ({select}) TO STDOUT (FORMAT binary)\" > /dev/null");
                    copy[r] = watch.Elapsed.TotalSeconds;
                }
            }
            Console.Error.WriteLine($"read: Simil {simil[r]:F2} s, COPY to /dev/null {copy[r]:F2} s");
        }
        double ms = Medians.Of(simil), mc = Medians.Of(copy);
        md.AppendLine("## Reading the table");
        md.AppendLine();
        md.AppendLine(C, $"{Repetitions} repetitions, alternating order; both run `{select}` as one binary COPY. Simil decodes into native memory (the rows then searchable); psql writes the bytes to /dev/null.");
        md.AppendLine();
        md.AppendLine("| reader | median s | range s | rows/s | ratio |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        md.AppendLine(C, $"| `COPY … TO STDOUT (FORMAT binary)` > /dev/null (psql) | {mc:F2} | {copy.Min():F2}–{copy.Max():F2} | {rows.Count / mc:N0} | 1.00 |");
        md.AppendLine(C, $"| Simil `PostgresReader.Read` | {ms:F2} | {simil.Min():F2}–{simil.Max():F2} | {rows.Count / ms:N0} | {mc / ms:F2} |");
        md.AppendLine();

        // 2. Exact top 10: pgvector's sequential scan against Simil's flat search of the rows read.
        var random = new Random(7);
        int[] picks = [.. Enumerable.Range(0, Queries).Select(_ => random.Next(read!.Count))];
        using var flat = new FlatIndex(read!, Metric.CosineDistance);
        var pg = new List<double>();
        var mine = new List<double>();
        int same = 0;
        using (var connection = OpenVector(uri))
        {
            foreach (int p in picks)
            {
                var q = read![p].ToArray();
                using var command = new NpgsqlCommand("SELECT key FROM items ORDER BY embedding <=> $1 LIMIT 10", connection);
                command.Parameters.AddWithValue(new Vector(q));
                watch.Restart();
                var theirs = new List<string>();
                using (var reader = command.ExecuteReader())
                    while (reader.Read())
                        theirs.Add(reader.GetString(0));
                pg.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                var ours = flat.Search(q, 10);
                mine.Add(watch.Elapsed.TotalMilliseconds);
                if (theirs.SequenceEqual(ours.Select(n => read.Keys![n.Index])))
                    same++;
            }
        }
        double mpg = Medians.Of([.. pg]), mmine = Medians.Of([.. mine]);
        Console.Error.WriteLine($"exact: pgvector {mpg:F1} ms, Simil {mmine:F1} ms, same {same}/{Queries}");
        md.AppendLine("## Exact top 10 (cosine distance, no index)");
        md.AppendLine();
        md.AppendLine(C, $"{Queries} queries (rows of the table). pgvector: `SELECT key FROM items ORDER BY embedding <=> $1 LIMIT 10` with no index on the column (the planner's parallel sequential scan, default `max_parallel_workers_per_gather` 2). Simil: `FlatIndex.Search` over the rows `PostgresReader` read (2 cores).");
        md.AppendLine();
        md.AppendLine("| engine | median ms | range ms | speed-up |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(C, $"| pgvector (sequential scan) | {mpg:F1} | {pg.Min():F1}–{pg.Max():F1} | 1.00 |");
        md.AppendLine(C, $"| Simil exact | {mmine:F1} | {mine.Min():F1}–{mine.Max():F1} | {mpg / mmine:F1} |");
        md.AppendLine();
        md.AppendLine(C, $"Same ten keys in the same order: {same} of {Queries} queries.");
        md.AppendLine();

        // 3. audit of an HNSW index.
        // The whole table, or a copy of its first rows.
        string audited = hnswRows >= rows.Count ? "items" : "items_hnsw";
        hnswRows = Math.Min(hnswRows, rows.Count);
        if (audited != "items")
            Sql(uri, $"CREATE TABLE items_hnsw AS SELECT * FROM items WHERE key::int < {hnswRows}");
        watch.Restart();
        Sql(uri, $"SET maintenance_work_mem = '4GB'; CREATE INDEX ON {audited} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
        double build = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"hnsw build {hnswRows:N0}: {build:F1} s");
        watch.Restart();
        var report = PostgresAudit.Run(PostgresSource.Parse(Source(audited)), null, 100, 10);
        double auditSeconds = watch.Elapsed.TotalSeconds;
        md.AppendLine(C, $"## audit of a pgvector HNSW index ({hnswRows:N0} rows, m = 16, ef_construction = 64)");
        md.AppendLine();
        md.AppendLine(C, $"Index built in {build:F1} s (maintenance_work_mem 4GB, pgvector's parallel build with the default workers). `simil audit` with 100 sampled rows as queries, k = 10, took {auditSeconds:F1} s in all (reading the table, exact search, {report.Settings.Count + 1} passes of 100 queries). Session setting: ef_search = {report.CurrentSetting}, recall@10 {report.Recall:F4}; score error {report.ScoreError:G3}; advised measure: {report.Advised.Name()}.");
        md.AppendLine();
        md.AppendLine("| hnsw.ef_search | recall@10 |");
        md.AppendLine("|---:|---:|");
        foreach (var s in report.Settings)
            md.AppendLine(C, $"| {s.Value} | {s.Recall:F4} |");
        md.AppendLine();
        md.AppendLine(C, $"Recall 0.95 reached at ef_search = {report.Reaches95?.ToString(C) ?? "—"}, 0.99 at {report.Reaches99?.ToString(C) ?? "—"}.");
        md.AppendLine();

        var path = ResultsFile.PathFor(repository, "postgres");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md);
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    static int AuditOnly(string repository, string server, Uri uri)
    {
        var source = PostgresSource.Parse($"{server}?table=items&column=embedding&key=key");
        var rows = PostgresReader.Read(source);
        var random = new Random(42);
        var picks = Enumerable.Range(0, 100).Select(_ => random.Next(rows.Count)).ToArray();
        var data = new float[picks.Length * rows.Dimensions];
        for (int i = 0; i < picks.Length; i++)
            rows[picks[i]].CopyTo(data.AsSpan(i * rows.Dimensions, rows.Dimensions));
        var queries = EmbeddingMatrix.Create(data, rows.Dimensions);
        var watch = Stopwatch.StartNew();
        var report = PostgresAudit.Run(source, queries, 0, 10);
        double auditSeconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"audit {auditSeconds:F1} s");
        // Independently: the database's exact top 10 (index scans off) and its index answers, intersected here.
        using var connection = OpenVector(uri);
        List<string> Ask(float[] q, string settings)
        {
            using var transaction = connection.BeginTransaction();
            using (var set = new NpgsqlCommand(settings, connection, transaction))
                set.ExecuteNonQuery();
            using var command = new NpgsqlCommand("SELECT key FROM items ORDER BY embedding <=> $1 LIMIT 10", connection, transaction);
            command.Parameters.AddWithValue(new Vector(q));
            var found = new List<string>();
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                    found.Add(reader.GetString(0));
            transaction.Commit();
            return found;
        }
        watch.Restart();
        var exact = Enumerable.Range(0, queries.Count).Select(q => Ask(queries[q].ToArray(), "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")).ToArray();
        double exactSeconds = watch.Elapsed.TotalSeconds;
        var md = new StringBuilder();
        md.AppendLine("# PostgreSQL + pgvector (issue 15): audit checked independently");
        md.AppendLine();
        md.AppendLine(C, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; the table `items` ({rows.Count:N0} × {rows.Dimensions}) and its HNSW index (m 16, ef_construction 64) from the run in `postgres-*.md`; `dotnet run -c Release --project bench/Simil.Benchmarks -- postgres {server} - --audit-only`");
        md.AppendLine();
        md.AppendLine(C, $"100 rows of the table (seed 42) as queries, k = 10. `simil audit`'s recall (exact answers by Simil) beside the recall computed apart from Simil: pgvector's own exact answers (a sequential scan forced with `enable_indexscan = off`, {exactSeconds:F0} s for the 100) against its HNSW answers at each ef_search. audit took {auditSeconds:F1} s.");
        md.AppendLine();
        md.AppendLine("| hnsw.ef_search | audit recall@10 | independent recall@10 |");
        md.AppendLine("|---:|---:|---:|");
        foreach (int ef in new[] { 40, 100, 200 })
        {
            long hits = 0;
            for (int q = 0; q < queries.Count; q++)
                hits += Ask(queries[q].ToArray(), $"SET LOCAL hnsw.ef_search = {ef}").Count(exact[q].Contains);
            double independent = hits / (queries.Count * 10.0);
            var mine = report.Settings.Single(s => s.Value == ef).Recall;
            md.AppendLine(C, $"| {ef} | {mine:F4} | {independent:F4} |");
            Console.Error.WriteLine($"ef {ef}: audit {mine:F4}, independent {independent:F4}");
        }
        md.AppendLine();
        var path = ResultsFile.PathFor(repository, "postgres-audit");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md);
        return 0;
    }

    static NpgsqlConnection OpenVector(Uri uri)
    {
        var builder = new NpgsqlDataSourceBuilder($"Host={uri.Host};Port={uri.Port};Username=postgres;Database=simil");
        builder.UseVector();
        return builder.Build().OpenConnection();
    }

    static void Sql(Uri uri, string sql)
    {
        using var connection = new NpgsqlConnection($"Host={uri.Host};Port={uri.Port};Username=postgres;Database=simil;Command Timeout=0");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    static void Shell(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { UseShellExecute = false })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} exited {process.ExitCode}");
    }

}
