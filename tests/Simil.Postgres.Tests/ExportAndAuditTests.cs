using Npgsql;
using Pgvector;
using Simil.Cli.Tests;

namespace Simil.Postgres.Tests;

/// <summary>Index export into a table (rows, keys, operator class) and audit's recall, checked against the database itself.</summary>
public sealed class ExportAndAuditTests(PostgresServer server)
{
    /// <summary>Clustered rows whose lengths vary: neighbours exist, and cosine and l2 rank differently.</summary>
    static EmbeddingMatrix Clustered(int rows, int dimensions, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var data = new float[rows * dimensions];
        for (int i = 0; i < rows; i++)
        {
            var c = centres[random.Next(centres.Length)];
            float scale = 0.5f + 2f * (float)random.NextDouble();
            for (int j = 0; j < dimensions; j++)
                data[i * dimensions + j] = scale * (c[j] + 0.6f * (float)(random.NextDouble() * 2 - 1));
        }
        return EmbeddingMatrix.Create(data, dimensions, [.. Enumerable.Range(0, rows).Select(i => $"r{i}")]);
    }

    [Theory]
    [InlineData("cosine", "hnsw", "vector_cosine_ops")]
    [InlineData("dot", "ivfflat", "vector_ip_ops")]
    [InlineData("l2sq", "hnsw", "vector_l2_ops")]
    public async Task Export_copies_rows_and_keys_and_indexes_with_the_metrics_operator_class(string metric, string method, string opclass)
    {
        string table = $"export_{metric}";
        server.Execute($"DROP TABLE IF EXISTS {table}");
        var rows = Clustered(500, 16, 3);
        using var files = new TempFiles();
        using (var index = new FlatIndex(rows, MetricInfo.Parse(metric)))
            index.Save(files.Path("e.simil"));
        var result = await SimilProcess.RunAsync("index", "export", files.Path("e.simil"), server.Source(table, "embedding", "&key=id"), "--create-index", method);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"USING {method} (\"embedding\" {opclass})", result.Stdout, StringComparison.Ordinal);

        using var connection = server.Open();
        using (var definition = new NpgsqlCommand($"SELECT indexdef FROM pg_indexes WHERE tablename = '{table}'", connection))
            Assert.Contains($"USING {method} (embedding {opclass})", (string)definition.ExecuteScalar()!, StringComparison.Ordinal);
        var back = new Dictionary<string, float[]>();
        using (var select = new NpgsqlCommand($"SELECT id, embedding FROM {table}", connection))
        using (var reader = select.ExecuteReader())
            while (reader.Read())
                back[reader.GetString(0)] = ((Vector)reader.GetValue(1)).ToArray();
        Assert.Equal(rows.Count, back.Count);
        for (int i = 0; i < rows.Count; i++)
            Assert.Equal(rows[i].ToArray(), back[$"r{i}"]);

        // A second export into the same table appends; one of another dimension is refused, nothing written.
        using (var other = new FlatIndex(Clustered(5, 8, 4), Metric.Cosine))
            other.Save(files.Path("o.simil"));
        var refused = await SimilProcess.RunAsync("index", "export", files.Path("o.simil"), server.Source(table, "embedding", "&key=id"));
        Assert.Contains("is vector(16); the rows are vector(8)", SimilProcess.AssertOneLineError(refused, 2), StringComparison.Ordinal);
        using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        Assert.Equal(500L, count.ExecuteScalar());
    }

    /// <summary>The database's own recall: its exact answer by a forced sequential scan, its index answer at an ef_search, intersected here.</summary>
    static double IndependentRecall(NpgsqlConnection connection, string table, EmbeddingMatrix queries, int k, int efSearch)
    {
        long hits = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            HashSet<string> Ask(string settings)
            {
                using var transaction = connection.BeginTransaction();
                using (var set = new NpgsqlCommand(settings, connection, transaction))
                    set.ExecuteNonQuery();
                using var command = new NpgsqlCommand($"SELECT id FROM {table} ORDER BY embedding <=> $1 LIMIT {k}", connection, transaction);
                command.Parameters.AddWithValue(new Vector(queries[q].ToArray()));
                var found = new HashSet<string>();
                using (var reader = command.ExecuteReader())
                    while (reader.Read())
                        found.Add(reader.GetString(0));
                transaction.Commit();
                return found;
            }
            var exact = Ask("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off");
            var indexed = Ask($"SET LOCAL hnsw.ef_search = {efSearch}");
            hits += indexed.Count(exact.Contains);
        }
        return hits / (double)(queries.Count * k);
    }

    [Fact]
    public void Audit_recall_of_an_hnsw_index_equals_the_recall_the_database_gives_itself()
    {
        const string Table = "audited";
        var rows = Clustered(6000, 48, 11);
        var queries = Clustered(60, 48, 12);
        server.Execute($"DROP TABLE IF EXISTS {Table}");
        var target = PostgresSource.Parse(server.Source(Table, "embedding", "&key=id"));
        PostgresExport.Write(rows, Metric.Cosine, target, null, TestContext.Current.CancellationToken);
        server.Execute($"CREATE INDEX ON {Table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");

        var report = PostgresAudit.Run(target, queries, 0, 10, 42, TestContext.Current.CancellationToken);
        Assert.Equal("hnsw", report.Index);
        Assert.Equal("vector_cosine_ops", report.OperatorClass);
        Assert.Equal(Metric.CosineDistance, report.Metric);
        Assert.Equal(60, report.Queries);
        Assert.Equal(40, report.CurrentSetting);
        Assert.True(report.ScoreError < 1e-5, $"score error {report.ScoreError}");
        using var connection = server.Open();
        foreach (int ef in new[] { 10, 40, 100, 200 })
            Assert.Equal(IndependentRecall(connection, Table, queries, 10, ef), report.Settings.Single(s => s.Value == ef).Recall, 12);
        Assert.Equal(report.Settings.Single(s => s.Value == 40).Recall, report.Recall, 12);
        Assert.True(report.Settings.Single(s => s.Value == 10).Recall < 1, "the sweep must start where the index misses neighbours, or it shows nothing");
        Assert.Equal(report.Settings.FirstOrDefault(s => s.Recall >= 0.95)?.Value, report.Reaches95);
    }

    [Fact]
    public async Task Audit_without_an_index_is_exact_and_an_l2_index_on_varying_lengths_is_flagged()
    {
        var rows = Clustered(2000, 24, 21);
        server.Execute("DROP TABLE IF EXISTS unindexed; DROP TABLE IF EXISTS l2_indexed");
        PostgresExport.Write(rows, Metric.Cosine, PostgresSource.Parse(server.Source("unindexed", "embedding", "&key=id")), null, TestContext.Current.CancellationToken);
        var exact = PostgresAudit.Run(PostgresSource.Parse(server.Source("unindexed", "embedding", "&key=id")), null, 50, 10, 42, TestContext.Current.CancellationToken);
        Assert.Equal("none", exact.Index);
        Assert.Equal(1.0, exact.Recall);
        Assert.True(exact.Sampled);

        PostgresExport.Write(rows, Metric.L2, PostgresSource.Parse(server.Source("l2_indexed", "embedding")), "hnsw", TestContext.Current.CancellationToken);
        var result = await SimilProcess.RunAsync("audit", server.Source("l2_indexed", "embedding"), "--sample", "30", "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"index\":\"hnsw\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"metric\":\"l2\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"opclass\":\"vector_l2_ops\"", result.Stdout, StringComparison.Ordinal);
        Assert.Matches("\"advised\":\"(cosine|dot)\"", result.Stdout);
        Assert.Contains("\"measure_matches\":false", result.Stdout, StringComparison.Ordinal);
        Assert.Matches("\"recall\":(0\\.\\d+|1),\"k\":10,\"queries\":30", result.Stdout);
        var text = await SimilProcess.RunAsync("audit", server.Source("l2_indexed", "embedding"), "--sample", "30");
        Assert.Matches("rebuild it with vector_(cosine|ip)_ops", text.Stdout);
    }

    [Fact]
    public void Audit_sweeps_ivfflat_probes_until_recall_is_reached()
    {
        var rows = Clustered(4000, 16, 31);
        server.Execute("DROP TABLE IF EXISTS ivf");
        var target = PostgresSource.Parse(server.Source("ivf", "embedding", "&key=id"));
        PostgresExport.Write(rows, Metric.Dot, target, null, TestContext.Current.CancellationToken);
        server.Execute("CREATE INDEX ON ivf USING ivfflat (embedding vector_ip_ops) WITH (lists = 40)");
        var report = PostgresAudit.Run(target, null, 60, 10, 42, TestContext.Current.CancellationToken);
        Assert.Equal("ivfflat", report.Index);
        Assert.Equal(Metric.NegativeDot, report.Metric);
        Assert.Equal("<#>", report.Operator);
        Assert.Equal(1, report.CurrentSetting);
        // probes 1, 2, 4, …, up to the 40 lists at most, recall never falling as probes grow, and every list probed is exact.
        Assert.Equal(1, report.Settings[0].Value);
        Assert.All(report.Settings.Zip(report.Settings.Skip(1)), p => Assert.True(p.Second.Value > p.First.Value && p.Second.Recall >= p.First.Recall - 1e-12));
        Assert.True(report.Settings[^1].Recall >= 0.99 || report.Settings[^1].Value == 40);
        Assert.Equal(report.Settings[0].Recall, report.Recall, 12);
    }

    [Fact]
    public async Task Export_refuses_a_where_and_index_add_takes_a_table()
    {
        server.Execute("DROP TABLE IF EXISTS addable; CREATE TABLE addable (id text, embedding vector(4)); INSERT INTO addable VALUES ('x', '[1,0,0,0]'), ('y', '[0,1,0,0]')");
        using var files = new TempFiles();
        using (var index = new FlatIndex(EmbeddingMatrix.Create(new float[] { 0, 0, 1, 0 }, 4, ["z"]), Metric.Cosine))
            index.Save(files.Path("a.simil"));
        var refused = await SimilProcess.RunAsync("index", "export", files.Path("a.simil"), server.Source("addable", "embedding", "&where=id%3D'x'"));
        Assert.Contains("where= filters rows read from a table; an export target takes none", SimilProcess.AssertOneLineError(refused, 2), StringComparison.Ordinal);
        var add = await SimilProcess.RunAsync("index", "add", files.Path("a.simil"), server.Source("addable", "embedding", "&key=id"));
        Assert.True(add.ExitCode == 0, add.Stderr);
        using var grown = VectorIndex.Open(files.Path("a.simil"));
        Assert.Equal(["z", "x", "y"], grown.Corpus.Keys!);
        Assert.Equal(new float[] { 0, 1, 0, 0 }, grown.Corpus[2].ToArray());
    }

    [Fact]
    public async Task Audit_reads_halfvec_columns_takes_query_files_and_refuses_bit_columns()
    {
        var rows = Clustered(1500, 16, 41);
        server.Execute("DROP TABLE IF EXISTS halves");
        PostgresExport.Write(rows, Metric.Cosine, PostgresSource.Parse(server.Source("halves", "embedding", "&key=id")), null, TestContext.Current.CancellationToken);
        server.Execute("ALTER TABLE halves ADD COLUMN h halfvec(16), ADD COLUMN b bit(16); UPDATE halves SET h = embedding::halfvec(16), b = binary_quantize(embedding)::bit(16); " +
            "CREATE INDEX ON halves USING hnsw (h halfvec_cosine_ops)");
        using var files = new TempFiles();
        var queries = Clustered(20, 16, 42);
        var text = string.Join("\n", Enumerable.Range(0, queries.Count).Select(q => string.Join(" ", queries[q].ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        File.WriteAllText(files.Path("queries.txt"), text + "\n");
        var result = await SimilProcess.RunAsync("audit", server.Source("halves", "h", "&key=id"), "--queries", files.Path("queries.txt"), "-k", "5", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("\"k\":5,\"queries\":20,\"sampled\":false,\"metric\":\"cosine-distance\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"opclass\":\"halfvec_cosine_ops\"", result.Stdout, StringComparison.Ordinal);
        // The database casts the query to halfvec (each value rounded to 11 significant bits) before its
        // distance; Simil keeps the float32 query against the widened rows. The score error shows that
        // rounding: above float32's ~1e-7, within what 2⁻¹¹ per value can move a cosine distance.
        var error = double.Parse(System.Text.RegularExpressions.Regex.Match(result.Stdout, "\"score_error\":([^,]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(error is > 1e-6 and < 2e-3, $"score error {error}");
        var refused = await SimilProcess.RunAsync("audit", server.Source("halves", "b", "&key=id"));
        Assert.Contains("audit compares vector or halfvec columns; 'b' is bit(16)", SimilProcess.AssertOneLineError(refused, 2), StringComparison.Ordinal);
    }
}
