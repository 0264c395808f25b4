using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Simil.Postgres;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 22's filtered-search peer: the rows of <c>collections ROWS</c> (same seeded generator) in
/// PostgreSQL 15 + pgvector 0.8.6 (HNSW, M 16, ef-construction 128, cosine), queried at 50/10/1/0.1 %
/// selectivity (<c>WHERE n % EVERY = 0</c>, the rows <c>collections</c> allows) with
/// <c>hnsw.iterative_scan</c> off, <c>strict_order</c> and <c>relaxed_order</c>, ef_search 64, one
/// connection, against Simil's filtered walk and exact scan on the same rows in the same run.
/// <c>collections-pgvector postgres://…/simil [ROWS]</c>.
/// </summary>
static class FilteredPgvector
{
    const int Dims = 384, K = 10, Ef = 64, Queries = 200;

    public static int Run(string repository, string[] args)
    {
        string server = args[1].TrimEnd('/');
        int rows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
        var data = CollectionThroughput.Clustered(rows + Queries, 5);
        var corpus = EmbeddingMatrix.Create(data.AsSpan(0, rows * Dims), Dims, [.. Enumerable.Range(0, rows).Select(i => i.ToString(CultureInfo.InvariantCulture))]);
        var queries = Enumerable.Range(0, Queries).Select(q => data.AsSpan((rows + q) * Dims, Dims).ToArray()).ToArray();
        var uri = new Uri(server);
        string connectionString = $"Host={uri.Host};Port={uri.Port};Username=postgres;Database=simil;Command Timeout=0";
        using (var connection = new NpgsqlConnection(connectionString))
        {
            connection.Open();
            using var drop = new NpgsqlCommand("DROP TABLE IF EXISTS filtered", connection);
            drop.ExecuteNonQuery();
        }
        var clock = Stopwatch.StartNew();
        PostgresExport.Write(corpus, Metric.Cosine, PostgresSource.Parse($"{server}?table=filtered&column=embedding&key=key"), null);
        double load = clock.Elapsed.TotalSeconds;
        using var db = new NpgsqlConnection(connectionString);
        db.Open();
        void Sql(string sql)
        {
            using var command = new NpgsqlCommand(sql, db);
            command.ExecuteNonQuery();
        }
        Sql("ALTER TABLE filtered ADD COLUMN n int; UPDATE filtered SET n = key::int");
        Sql("VACUUM ANALYZE filtered");
        Sql("SET maintenance_work_mem = '4GB'; SET max_parallel_maintenance_workers = 1");
        clock.Restart();
        Sql("CREATE INDEX ON filtered USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 128)");
        double pgBuild = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var index = VectorIndex.Build(corpus, new IndexBuildOptions { Kind = VectorIndexKind.Hnsw });
        double similBuild = clock.Elapsed.TotalSeconds;

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Filtered search: Simil against pgvector 0.8.6 with iterative scans, {rows:N0} × {Dims}, k {K}, ef {Ef}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"CPU: {Machine.CpuName()}, {Environment.ProcessorCount} cores; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}; PostgreSQL 15 (Debian) + pgvector 0.8.6 built from ../shared/vendor, same machine, one connection. `dotnet run -c Release --project bench/Simil.Benchmarks -- collections-pgvector {server} {rows}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Rows: the {rows:N0} clustered synthetic rows of `collections` (seed 5), {Queries} queries; loaded by binary COPY in {load:F1} s. HNSW (M 16, ef-construction 128, cosine) built by pgvector in {pgBuild:F1} s (maintenance_work_mem 4 GB, one parallel worker), by Simil in {similBuild:F1} s (both cores). A row is allowed when its number n has n % EVERY = 0; recall@10 is against the exact filtered answer (Simil's exact scan of the allowed rows; as many as exist); QPS on one thread / one connection.");
        md.AppendLine();
        md.AppendLine("| allowed | Simil walk recall | Simil walk QPS | Simil exact scan QPS | pgvector off: recall | off: short of k | strict_order recall | strict QPS | relaxed_order recall | relaxed QPS |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int every in new[] { 2, 10, 100, 1000 })
        {
            var filter = new EveryNth(every);
            var exact = queries.Select(q => index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true }).Select(n => n.Index).ToHashSet()).ToArray();
            clock.Restart();
            var walked = queries.Select(q => index.Search(q, new SearchOptions { K = K, Ef = Ef, Filter = filter })).ToArray();
            double walkQps = Queries / clock.Elapsed.TotalSeconds;
            clock.Restart();
            foreach (var q in queries)
                index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true });
            double exactQps = Queries / clock.Elapsed.TotalSeconds;
            double Recall(IReadOnlyList<IEnumerable<int>> found) =>
                Enumerable.Range(0, Queries).Average(q => found[q].Count(exact[q].Contains) / (double)Math.Max(1, exact[q].Count));
            double similRecall = Recall([.. walked.Select(w => w.Select(n => n.Index))]);
            var pg = new Dictionary<string, (double Recall, double Qps, int Short)>();
            foreach (string mode in new[] { "off", "strict_order", "relaxed_order" })
            {
                Sql($"SET hnsw.ef_search = {Ef}; SET hnsw.iterative_scan = {mode}");
                var found = new List<int>[Queries];
                for (int pass = 0; pass < 2; pass++)   // the first pass warms the buffers
                {
                    clock.Restart();
                    for (int q = 0; q < Queries; q++)
                    {
                        using var command = new NpgsqlCommand($"SELECT n FROM filtered WHERE n % {every} = 0 ORDER BY embedding <=> $1::vector LIMIT {K}", db);
                        command.Parameters.AddWithValue("[" + string.Join(",", queries[q].Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
                        using var reader = command.ExecuteReader();
                        found[q] = [];
                        while (reader.Read())
                            found[q].Add(reader.GetInt32(0));
                    }
                }
                pg[mode] = (Recall(found), Queries / clock.Elapsed.TotalSeconds, found.Count(f => f.Count < Math.Min(K, rows / every)));
            }
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {1.0 / every:P1} | {similRecall:F4} | {walkQps:N0} | {exactQps:N0} | {pg["off"].Recall:F4} | {pg["off"].Short} of {Queries} | {pg["strict_order"].Recall:F4} | {pg["strict_order"].Qps:N0} | {pg["relaxed_order"].Recall:F4} | {pg["relaxed_order"].Qps:N0} |");
        }
        md.AppendLine();
        md.AppendLine("pgvector's QPS includes the round trip over loopback and the query vector sent as text; Simil's is an in-process call.");
        Sql("DROP TABLE filtered");
        string path = ResultsFile.PathFor(repository, $"filtered-pgvector-{rows / 1000}k");
        ResultsFile.Write(path, md.ToString());
        Console.Out.Write(md);
        return 0;
    }

    sealed class EveryNth(int n) : IRowFilter
    {
        public bool Allows(int row) => row % n == 0;
    }
}
