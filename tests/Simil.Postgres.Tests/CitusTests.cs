using Npgsql;
using Simil.Cli.Tests;

namespace Simil.Postgres.Tests;

/// <summary>
/// Simil against a real Citus cluster (a coordinator and two workers): a distributed export with an
/// index on every shard, reads and searches through the coordinator equal to one node's, and an
/// audit whose ef_search really reaches the shards (docs/postgres.md, "Citus").
/// </summary>
[Collection(CitusCollection.Name)]
public sealed class CitusTests(CitusCluster cluster, PostgresServer single)
{
    const int Rows = 12_000, Dimensions = 48;

    /// <summary>Gaussian rows: no clusters, so a small ef_search visibly misses neighbours.</summary>
    static EmbeddingMatrix RandomRows(int rows = Rows, int seed = 11)
    {
        var random = new Random(seed);
        var data = new float[rows * Dimensions];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return EmbeddingMatrix.Create(data, Dimensions);
    }

    static string IndexFile(TempFiles files, EmbeddingMatrix rows, string name = "rows.simil")
    {
        using var index = new FlatIndex(rows, Metric.Cosine);
        index.Save(files.Path(name));
        return files.Path(name);
    }

    static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Exports the rows distributed by key over 4 shards with an HNSW index (dropping any table of that name first).</summary>
    async Task<string> ExportDistributed(TempFiles files, string table, string method = "hnsw", EmbeddingMatrix? rows = null)
    {
        cluster.Execute($"DROP TABLE IF EXISTS {table}");
        var export = await SimilProcess.RunAsync("index", "export", IndexFile(files, rows ?? RandomRows()), cluster.Source(table, "embedding"),
            "--distribute-by", "key", "--shards", "4", "--create-index", method);
        Assert.True(export.ExitCode == 0, export.Stderr);
        return export.Stdout;
    }

    [Fact]
    public async Task Export_distributes_the_table_over_both_workers_and_indexes_every_shard()
    {
        using var files = new TempFiles();
        var rows = RandomRows();
        string stdout = await ExportDistributed(files, "cit_export", rows: rows);
        Assert.Contains("12,000 rows × 48 copied into a new table", stdout, StringComparison.Ordinal);
        Assert.Contains($"distributed table by key: 4 shards on 2 nodes ({cluster.Worker(1)}, {cluster.Worker(2)})", stdout, StringComparison.Ordinal);
        Assert.Contains("USING hnsw (\"embedding\" vector_cosine_ops) (on each of the 4 shards)", stdout, StringComparison.Ordinal);

        // Citus's own metadata: hash-distributed by key, 4 shards.
        Assert.Equal("key", cluster.Scalar("SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition WHERE logicalrelid = 'cit_export'::regclass"));
        Assert.Equal(4L, cluster.Scalar("SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'cit_export'::regclass"));
        // On each worker: its shards hold rows and each has its own HNSW index (Citus hides shards from
        // a plain client's catalog; override_table_visibility shows them).
        long shardRows = 0, shardIndexes = 0;
        foreach (int worker in new[] { 1, 2 })
        {
            using var connection = new NpgsqlConnection(cluster.NodeConnectionString(worker));
            connection.Open();
            using (var visible = new NpgsqlCommand("SET citus.override_table_visibility TO off", connection))
                visible.ExecuteNonQuery();
            using (var indexes = new NpgsqlCommand("SELECT count(*) FROM pg_indexes WHERE tablename ~ '^cit_export_[0-9]+$' AND indexdef LIKE '%USING hnsw (embedding vector_cosine_ops)%'", connection))
            {
                long here = (long)indexes.ExecuteScalar()!;
                Assert.Equal(2L, here);   // 4 shards round-robin over 2 workers
                shardIndexes += here;
            }
            using var tables = new NpgsqlCommand("SELECT tablename::text FROM pg_tables WHERE tablename ~ '^cit_export_[0-9]+$'", connection);
            var names = new List<string>();
            using (var reader = tables.ExecuteReader())
                while (reader.Read())
                    names.Add(reader.GetString(0));
            foreach (var name in names)
            {
                using var count = new NpgsqlCommand($"SELECT count(*) FROM {name}", connection);
                long n = (long)count.ExecuteScalar()!;
                Assert.True(n > 0, $"shard {name} on worker {worker} is empty");
                shardRows += n;
            }
        }
        Assert.Equal(4L, shardIndexes);
        Assert.Equal(Rows, shardRows);

        // The coordinator's own reltuples is 0 or -1 (never analysed); the reader sizes its memory from the shards' (the HNSW
        // build counted them), not from nothing.
        using (var coordinator = new NpgsqlConnection(cluster.ConnectionString))
        {
            coordinator.Open();
            using var own = new NpgsqlCommand("SELECT reltuples FROM pg_class WHERE oid = 'cit_export'::regclass", coordinator);
            Assert.True((float)own.ExecuteScalar()! <= 0);
            Assert.Equal(Rows, VectorColumn.Find(coordinator, PostgresSource.Parse(cluster.Source("cit_export", "embedding"))).EstimatedRows);
        }

        // Read back through the coordinator: every row exactly, under its key.
        var read = PostgresReader.Read(PostgresSource.Parse(cluster.Source("cit_export", "embedding", "&key=key")), Token);
        Assert.Equal(Rows, read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            int original = int.Parse(read.Keys![i], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(read[i].SequenceEqual(rows[original]), $"row {original} differs");
        }
    }

    [Fact]
    public async Task Search_through_the_coordinator_gives_exactly_the_single_node_answer()
    {
        using var files = new TempFiles();
        var rows = RandomRows();
        await ExportDistributed(files, "cit_search", rows: rows);
        single.Execute("DROP TABLE IF EXISTS cit_search");
        var one = await SimilProcess.RunAsync("index", "export", files.Path("rows.simil"), single.Source("cit_search", "embedding"));
        Assert.True(one.ExitCode == 0, one.Stderr);
        foreach (var (query, where) in new[] { ("5", ""), ("11999", ""), ("0", ""), ("123", "&where=key%20LIKE%20'1%25'") })
        {
            string extra = "&key=key" + where;
            var onCluster = await SimilProcess.RunAsync("search", cluster.Source("cit_search", "embedding", extra), "--query", query, "-k", "10", "--json");
            var onOne = await SimilProcess.RunAsync("search", single.Source("cit_search", "embedding", extra), "--query", query, "-k", "10", "--json");
            Assert.True(onCluster.ExitCode == 0, onCluster.Stderr);
            Assert.True(onOne.ExitCode == 0, onOne.Stderr);
            // The same keys, scores and order; the row numbers differ (the coordinator streams shard by shard).
            Assert.Equal(Answers(onOne.Stdout), Answers(onCluster.Stdout));
            Assert.Equal(10, Answers(onCluster.Stdout).Count);
        }
        // A file built from the cluster's table holds every row.
        var built = await SimilProcess.RunAsync("index", "build", cluster.Source("cit_search", "embedding", "&key=key"), "--out", files.Path("from-cluster.simil"));
        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.StartsWith($"{files.Path("from-cluster.simil")}: 12,000 rows × 48", built.Stdout, StringComparison.Ordinal);
        // And the index file's own answer, key for key.
        var file = await SimilProcess.RunAsync("search", files.Path("rows.simil"), "--query", "[" + string.Join(",", rows[5].ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]", "-k", "10", "--json");
        Assert.True(file.ExitCode == 0, file.Stderr);
        var fromCluster = await SimilProcess.RunAsync("search", cluster.Source("cit_search", "embedding", "&key=key"), "--query", "5", "-k", "10", "--json");
        Assert.Equal(Answers(file.Stdout).Select(a => a.Score), Answers(fromCluster.Stdout).Select(a => a.Score));
    }

    /// <summary>(key, score) of each answer in search's JSON (row numbers left out).</summary>
    static List<(string? Key, double Score)> Answers(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        var results = root.ValueKind == System.Text.Json.JsonValueKind.Array ? root[0] : root;
        var list = new List<(string?, double)>();
        foreach (var n in results.GetProperty("results").EnumerateArray())
            list.Add((n.TryGetProperty("key", out var key) ? key.GetString() : null, n.GetProperty("score").GetDouble()));
        return list;
    }

    [Fact]
    public async Task Audit_sets_ef_search_on_the_shards_and_recall_follows_it()
    {
        using var files = new TempFiles();
        await ExportDistributed(files, "cit_audit");
        var source = PostgresSource.Parse(cluster.Source("cit_audit", "embedding", "&key=key"));
        var report = PostgresAudit.Run(source, null, 200, 10, 42, Token);

        Assert.Equal("distributed", report.Distribution!.Kind);
        Assert.Equal(4, report.Distribution.Shards.Count);
        Assert.True(report.SettingReachesShards);
        double at10 = report.Settings.Single(s => s.Value == 10).Recall;
        var highest = report.Settings[^1];
        Assert.True(highest.Value >= 200, $"the sweep stopped at ef_search {highest.Value}");
        Assert.True(highest.Recall - at10 > 0.1, $"recall at ef_search 10 {at10}, at {highest.Value} {highest.Recall}: the setting did not change the shards' search");
        Assert.True(highest.Recall >= 0.99, $"recall at ef_search {highest.Value} {highest.Recall}");
        // The session pass ran at the workers' own setting (pgvector's default 40), and so did the sweep's 40.
        Assert.Equal(40, report.CurrentSetting);
        Assert.Equal(report.Settings.Single(s => s.Value == 40).Recall, report.Recall);

        // Per shard: every row and every exact answer is on one of the 4 shards, and what the cluster
        // found adds up to the session's recall (no ties among Gaussian rows).
        Assert.Equal(Rows, report.Shards.Sum(s => s.Rows));
        Assert.Equal(200L * 10, report.Shards.Sum(s => s.Answers));
        Assert.Equal(report.Recall, report.Shards.Sum(s => s.Found) / 2000.0, 12);
        Assert.Equal(2, report.Shards.Select(s => s.Node).Distinct().Count());
        Assert.All(report.Shards, s => Assert.InRange(s.Rows, 2_500, 3_500));

        // Independently of SET LOCAL: give the workers themselves ef_search 10, then 400. The session
        // pass (which sets nothing) must then measure what the sweep measured at 10, say the shards
        // used 10 while the coordinator's session has 40; and at 400 reach what the sweep's top reached.
        try
        {
            void Workers(int ef)
            {
                foreach (int worker in new[] { 1, 2 })
                {
                    using var connection = new NpgsqlConnection(cluster.NodeConnectionString(worker));
                    connection.Open();
                    // pgvector defines hnsw.ef_search when its library loads; ALTER SYSTEM needs it defined.
                    foreach (var sql in new[] { "LOAD 'vector'", $"ALTER SYSTEM SET hnsw.ef_search = {ef}", "SELECT pg_reload_conf()" })
                        using (var command = new NpgsqlCommand(sql, connection))
                            command.ExecuteNonQuery();
                }
            }
            Workers(10);
            await Task.Delay(500, Token);
            var workersAt10 = PostgresAudit.Run(source, null, 200, 10, 42, Token);
            Assert.Equal(10, workersAt10.CurrentSetting);
            Assert.Equal(40, workersAt10.CoordinatorSetting);
            Assert.Equal(at10, workersAt10.Recall);
            Assert.Equal(at10, workersAt10.Settings.Single(s => s.Value == 10).Recall);
            Workers(400);
            await Task.Delay(500, Token);
            var workersAt400 = PostgresAudit.Run(source, null, 200, 10, 42, Token);
            Assert.Equal(400, workersAt400.CurrentSetting);
            Assert.True(workersAt400.Recall - at10 > 0.1, $"recall with the workers at ef_search 400: {workersAt400.Recall}, at 10: {at10}");
            Assert.True(workersAt400.Recall >= highest.Recall, $"recall with the workers at ef_search 400: {workersAt400.Recall}, the sweep's {highest.Value}: {highest.Recall}");
        }
        finally
        {
            foreach (int worker in new[] { 1, 2 })
            {
                using var connection = new NpgsqlConnection(cluster.NodeConnectionString(worker));
                connection.Open();
                foreach (var sql in new[] { "LOAD 'vector'", "ALTER SYSTEM RESET hnsw.ef_search", "SELECT pg_reload_conf()" })
                    using (var command = new NpgsqlCommand(sql, connection))
                        command.ExecuteNonQuery();
            }
        }
    }

    /// <summary>With Citus's propagation left off (as a client unaware of it runs), the check catches it: no sweep of equal recalls.</summary>
    [Fact]
    public async Task Audit_says_so_when_the_setting_does_not_reach_the_shards()
    {
        using var files = new TempFiles();
        await ExportDistributed(files, "cit_unpropagated");
        var source = PostgresSource.Parse(cluster.Source("cit_unpropagated", "embedding", "&key=key"));
        var report = PostgresAudit.Run(source, null, 50, 10, 42, propagateSettings: false, Token);
        Assert.False(report.SettingReachesShards);
        Assert.Empty(report.Settings);
        Assert.Null(report.Reaches95);
        Assert.Equal(40, report.CurrentSetting);
    }

    [Fact]
    public async Task Audit_of_an_ivfflat_index_sweeps_probes_on_the_shards()
    {
        using var files = new TempFiles();
        cluster.Execute("DROP TABLE IF EXISTS cit_ivf");
        var export = await SimilProcess.RunAsync("index", "export", IndexFile(files, RandomRows()), cluster.Source("cit_ivf", "embedding"),
            "--distribute-by", "key", "--shards", "4", "--create-index", "ivfflat");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Contains("USING ivfflat (\"embedding\" vector_cosine_ops) (on each of the 4 shards)", export.Stdout, StringComparison.Ordinal);
        var report = PostgresAudit.Run(PostgresSource.Parse(cluster.Source("cit_ivf", "embedding", "&key=key")), null, 100, 10, 42, Token);
        Assert.Equal("ivfflat", report.Index);
        Assert.True(report.SettingReachesShards);
        Assert.Equal(1, report.CurrentSetting);
        double at1 = report.Settings[0].Recall, last = report.Settings[^1].Recall;
        Assert.Equal(1, report.Settings[0].Value);
        Assert.True(last - at1 > 0.2, $"recall at probes 1 {at1}, at {report.Settings[^1].Value} {last}");
    }

    [Fact]
    public async Task The_command_line_audit_shows_the_shards_and_the_merge()
    {
        using var files = new TempFiles();
        await ExportDistributed(files, "cit_cli");
        var text = await SimilProcess.RunAsync("audit", cluster.Source("cit_cli", "embedding", "&key=key"), "--sample", "50");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains($"citus       distributed table by key, 4 shards on 2 nodes ({cluster.Worker(1)}, {cluster.Worker(2)})", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("each shard returns its own top 10 from its own index; the coordinator merges 40 candidates", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("at hnsw.ef_search = 40 (the shards' setting; the coordinator's session has 40)", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, text.Stdout.Split('\n').Count(l => l.Contains("exact answers it holds", StringComparison.Ordinal)));

        var json = await SimilProcess.RunAsync("audit", cluster.Source("cit_cli", "embedding"), "--sample", "50", "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        using var document = System.Text.Json.JsonDocument.Parse(json.Stdout);
        var citus = document.RootElement.GetProperty("citus");
        Assert.Equal("distributed", citus.GetProperty("kind").GetString());
        Assert.Equal(4, citus.GetProperty("shard_count").GetInt32());
        Assert.True(citus.GetProperty("setting_reaches_shards").GetBoolean());
        // Without key= rows are told apart by shard and ctid (a ctid repeats across shards).
        Assert.Equal(Rows, citus.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("rows").GetInt64()));
    }

    [Fact]
    public async Task A_table_on_the_coordinator_that_is_not_distributed_is_audited_as_one_node_and_says_so()
    {
        using var files = new TempFiles();
        cluster.Execute("DROP TABLE IF EXISTS cit_local");
        var export = await SimilProcess.RunAsync("index", "export", IndexFile(files, RandomRows(2_000)), cluster.Source("cit_local", "embedding"), "--create-index", "hnsw");
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.DoesNotContain("shards", export.Stdout, StringComparison.Ordinal);
        var audit = await SimilProcess.RunAsync("audit", cluster.Source("cit_local", "embedding", "&key=key"), "--sample", "20");
        Assert.True(audit.ExitCode == 0, audit.Stderr);
        Assert.Contains("citus       not distributed: a local table on the coordinator, audited as on one node", audit.Stdout, StringComparison.Ordinal);
        Assert.Contains("(this session's setting)", audit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_refuses_what_it_cannot_distribute_in_one_line()
    {
        using var files = new TempFiles();
        string file = IndexFile(files, RandomRows(100));
        cluster.Execute("DROP TABLE IF EXISTS cit_plain; CREATE TABLE cit_plain (key text, embedding vector(48))");
        var plain = await SimilProcess.RunAsync("index", "export", file, cluster.Source("cit_plain", "embedding"), "--distribute-by", "key");
        Assert.Contains("cit_plain\" exists and is not distributed", SimilProcess.AssertOneLineError(plain, 2), StringComparison.Ordinal);
        Assert.Equal(0L, cluster.Scalar("SELECT count(*) FROM cit_plain"));

        var byVector = await SimilProcess.RunAsync("index", "export", file, cluster.Source("cit_new", "embedding"), "--distribute-by", "embedding");
        Assert.Contains("--distribute-by", SimilProcess.AssertOneLineError(byVector, 2), StringComparison.Ordinal);
        var shardsAlone = await SimilProcess.RunAsync("index", "export", file, cluster.Source("cit_new", "embedding"), "--shards", "4");
        Assert.Contains("--shards", SimilProcess.AssertOneLineError(shardsAlone, 2), StringComparison.Ordinal);
        Assert.Null(cluster.Scalar("SELECT to_regclass('cit_new')::text"));

        var noCitus = await SimilProcess.RunAsync("index", "export", file, single.Source("cit_nocitus", "embedding"), "--distribute-by", "key");
        Assert.Contains("the server has no Citus extension", SimilProcess.AssertOneLineError(noCitus, 2), StringComparison.Ordinal);

        // An existing table distributed by key takes more rows; another shard count is refused.
        cluster.Execute("DROP TABLE IF EXISTS cit_append");
        var first = await SimilProcess.RunAsync("index", "export", file, cluster.Source("cit_append", "embedding"), "--distribute-by", "key", "--shards", "3");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var again = await SimilProcess.RunAsync("index", "export", file, cluster.Source("cit_append", "embedding"), "--distribute-by", "key");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(200L, cluster.Scalar("SELECT count(*) FROM cit_append"));
        var otherShards = await SimilProcess.RunAsync("index", "export", file, cluster.Source("cit_append", "embedding"), "--distribute-by", "key", "--shards", "8");
        Assert.Contains("already has 3 shards, not 8", SimilProcess.AssertOneLineError(otherShards, 2), StringComparison.Ordinal);
        Assert.Equal(200L, cluster.Scalar("SELECT count(*) FROM cit_append"));
    }
}
