using Npgsql;
using Pgvector;
using Simil.Analysis;

namespace Simil.Postgres;

/// <summary>Recall of the database's answers at one setting of its index's search parameter.</summary>
public sealed record AuditSetting(int Value, double Recall);

/// <summary>
/// The exact top-k answers that live on one shard of a Citus table, and how many of them the
/// cluster returned at the session's setting.
/// </summary>
public sealed record ShardRecall(string Shard, string Node, long Rows, long Answers, long Found)
{
    /// <summary>Found ÷ Answers (NaN when the shard holds none of the exact answers).</summary>
    public double Recall => Answers == 0 ? double.NaN : Found / (double)Answers;
}

/// <summary>What <see cref="PostgresAudit.Run(PostgresSource, EmbeddingMatrix?, int, int, int, CancellationToken)"/> found (docs/postgres.md).</summary>
public sealed class AuditReport
{
    /// <summary>The source, without its password.</summary>
    public required string Source { get; init; }

    /// <summary>Rows read from the table (after <c>where=</c>).</summary>
    public required int Rows { get; init; }

    /// <summary>Their dimensions.</summary>
    public required int Dimensions { get; init; }

    /// <summary>hnsw, ivfflat or none.</summary>
    public required string Index { get; init; }

    /// <summary>The index's name, when there is one.</summary>
    public string? IndexName { get; init; }

    /// <summary>The index's operator class, when there is one.</summary>
    public string? OperatorClass { get; init; }

    /// <summary>The measure the database ranks by (pgvector's operator).</summary>
    public required Metric Metric { get; init; }

    /// <summary>The operator in the ORDER BY.</summary>
    public required string Operator { get; init; }

    /// <summary>k.</summary>
    public required int K { get; init; }

    /// <summary>Queries asked.</summary>
    public required int Queries { get; init; }

    /// <summary>True when the queries are rows of the table (sampled), false when given.</summary>
    public required bool Sampled { get; init; }

    /// <summary>recall@k at the session's current setting: what the application gets.</summary>
    public required double Recall { get; init; }

    /// <summary>The search parameter (hnsw.ef_search, ivfflat.probes), or null without an index.</summary>
    public string? SettingName { get; init; }

    /// <summary>
    /// Its value in the session (the application's, unless it sets its own); on a Citus table the
    /// value the shards searched with, which is the workers' own.
    /// </summary>
    public int? CurrentSetting { get; init; }

    /// <summary>On a Citus table: the coordinator's own value of the setting (what <c>SHOW</c> says there).</summary>
    public int? CoordinatorSetting { get; init; }

    /// <summary>The table's Citus metadata, or null on a plain PostgreSQL (or a table Citus does not manage).</summary>
    public CitusTable? Distribution { get; init; }

    /// <summary>True when the server is a Citus coordinator (whether or not this table is distributed).</summary>
    public bool OnCitus { get; init; }

    /// <summary>
    /// On a Citus table with an index: whether every answer's shard searched with the setting audit
    /// set (false: the sweep was not run, <see cref="Settings"/> is empty). Null elsewhere.
    /// </summary>
    public bool? SettingReachesShards { get; init; }

    /// <summary>On a distributed table: each shard's rows and its share of the exact answers found, at the session's setting.</summary>
    public IReadOnlyList<ShardRecall> Shards { get; init; } = [];

    /// <summary>Recall at each setting tried.</summary>
    public IReadOnlyList<AuditSetting> Settings { get; init; } = [];

    /// <summary>The smallest setting tried that reaches recall 0.95, or null.</summary>
    public int? Reaches95 { get; init; }

    /// <summary>The smallest setting tried that reaches recall 0.99, or null.</summary>
    public int? Reaches99 { get; init; }

    /// <summary>The largest |database distance − Simil's distance| for the same row.</summary>
    public required double ScoreError { get; init; }

    /// <summary>The measure <see cref="Advice"/> recommends for these vectors.</summary>
    public required Metric Advised { get; init; }

    /// <summary>Why, in advise's words.</summary>
    public IReadOnlyList<string> AdvisedReasons { get; init; } = [];

    /// <summary>Whether the index's measure is the advised one (same family: cosine, dot, l2).</summary>
    public required bool MeasureMatches { get; init; }
}

/// <summary>
/// Asks the database for each query's top k the way an application does (<c>ORDER BY column OP
/// $1 LIMIT k</c>, through whatever index the planner picks), computes the exact top k of the same
/// rows with Simil, and reports recall@k, the score error, the search setting that reaches 0.95 and
/// 0.99, and the measure advise recommends beside the index's operator class (docs/postgres.md).
/// </summary>
public static class PostgresAudit
{
    static readonly int[] s_efSearch = [10, 20, 40, 80, 100, 200, 400, 800, 1000];

    /// <summary>Audits the source's column; <paramref name="queries"/> null samples <paramref name="sample"/> rows of the table.</summary>
    public static AuditReport Run(PostgresSource source, EmbeddingMatrix? queries, int sample, int k, int seed = 42, CancellationToken token = default) =>
        Run(source, queries, sample, k, seed, propagateSettings: true, token);

    /// <summary>
    /// The audit; <paramref name="propagateSettings"/> false leaves Citus's <c>SET LOCAL</c>
    /// propagation off, as a client unaware of it would (the tests prove the check catches it).
    /// </summary>
    internal static AuditReport Run(PostgresSource source, EmbeddingMatrix? queries, int sample, int k, int seed, bool propagateSettings, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        using var dataSource = PostgresConnection.DataSource(source);
        using var connection = PostgresConnection.Open(dataSource, source);
        CitusTable? citus;
        bool onCitus;
        try
        {
            citus = CitusTable.Find(connection, source);
            onCitus = citus is not null || CitusTable.Installed(connection);
        }
        catch (NpgsqlException e)
        {
            throw PostgresConnection.Explain(source, e, "auditing");
        }
        // A ctid repeats across shards: on a Citus table rows without key= are told apart by shard and ctid.
        string keyExpression = source.Key is { } key ? $"{PostgresSource.Quote(key)}::text"
            : citus is null ? "ctid::text" : "tableoid::regclass::text || ctid::text";
        bool halfvec = false;
        var rows = PostgresReader.Read(connection, source, keyExpression, column =>
        {
            if (column.Type == VectorColumnType.Bit)
                throw new InputException($"{source.Display}: audit compares vector or halfvec columns; '{source.Column}' is {column.TypeName}");
            halfvec = column.Type == VectorColumnType.HalfVec;
        }, token);
        if (rows.Count == 0)
            throw new InputException($"{source.Display}: no rows to audit");
        // The database's answers are matched to rows by key: a repeated key would match the wrong row.
        if (rows.Keys!.Distinct(StringComparer.Ordinal).Count() != rows.Count)
            throw new InputException($"{source.Display}: key={source.Key} repeats among the rows; audit matches the database's answers by key, so give a unique column (or none: rows are then told apart by ctid)");
        try
        {
            var (indexName, method, opclass) = FindIndex(connection, source);
            var (metric, op) = opclass is null ? ByMetric(source) : ByOperatorClass(source, opclass);

            bool sampled = queries is null;
            queries ??= Sample(rows, sample, seed);
            if (queries.Dimensions != rows.Dimensions)
                throw new InputException($"the queries have {queries.Dimensions} dimensions but {source.Display} has {rows.Dimensions}");
            int kk = Math.Min(k, rows.Count);
            using var exactIndex = new FlatIndex(rows, metric);
            var exact = exactIndex.Search(queries, kk);

            string? settingName = method switch { "hnsw" => "hnsw.ef_search", "ivfflat" => "ivfflat.probes", _ => null };
            int? current = settingName is null ? null : CurrentSetting(connection, settingName);
            string cast = halfvec ? "::halfvec" : "";
            // On a Citus table two more columns, evaluated on the shard that produced each answer:
            // the setting it searched with (proof that SET LOCAL reached it) and the shard's name.
            string shardColumns = citus is null ? ""
                : $", {(settingName is null ? "NULL::text" : $"current_setting('{settingName}', true)")}, tableoid::regclass::text";
            string sql = $"SELECT {keyExpression}, {PostgresSource.Quote(source.Column)} {op} $1{cast}{shardColumns} FROM {source.QualifiedTable} " +
                $"WHERE {source.Condition} ORDER BY {PostgresSource.Quote(source.Column)} {op} $1{cast} LIMIT {kk}";

            double scoreError = 0;
            var shardSettings = new Dictionary<string, int>(StringComparer.Ordinal);   // value → answers, in the pass just run
            var shardOf = new Dictionary<int, string>();                                // row → shard, from the answers
            var sessionFound = new HashSet<int>[queries.Count];                          // exact answers the cluster returned, session pass
            double Pass(int? setting, bool session)
            {
                long hits = 0;
                shardSettings.Clear();
                using var transaction = connection.BeginTransaction();
                using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
                    readOnly.ExecuteNonQuery();
                if (setting is { } value)
                {
                    // Citus keeps a SET LOCAL on the coordinator unless told to send it to the workers'
                    // connections of this transaction, where the shards' queries run.
                    if (citus is not null && propagateSettings)
                        using (var propagate = new NpgsqlCommand("SET LOCAL citus.propagate_set_commands = 'local'", connection, transaction))
                            propagate.ExecuteNonQuery();
                    using (var set = new NpgsqlCommand($"SET LOCAL {settingName} = {value}", connection, transaction))
                        set.ExecuteNonQuery();
                }
                using var command = new NpgsqlCommand(sql, connection, transaction);
                var parameter = command.Parameters.AddWithValue(new Vector(Array.Empty<float>()));
                for (int q = 0; q < queries.Count; q++)
                {
                    token.ThrowIfCancellationRequested();
                    var query = queries[q].ToArray();
                    parameter.Value = new Vector(query);
                    var truth = exact[q];
                    var truthRows = new HashSet<int>(truth.Select(n => n.Index));
                    float kth = truth[^1].Score;
                    if (session)
                        sessionFound[q] = [];
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        int row = rows.IndexOf(reader.GetString(0));
                        if (citus is not null)
                        {
                            string seen = reader.IsDBNull(2) ? "" : reader.GetString(2);
                            shardSettings[seen] = shardSettings.GetValueOrDefault(seen) + 1;
                            if (row >= 0)
                                shardOf[row] = reader.GetString(3);
                        }
                        if (row < 0)
                            continue;
                        float mine = Similarity.Compute(metric, query, rows[row]);
                        // A row tied with the k-th exact answer is as right as the one Simil kept.
                        if (truthRows.Contains(row) || mine == kth)
                            hits++;
                        if (session)
                        {
                            scoreError = Math.Max(scoreError, Math.Abs(reader.GetDouble(1) - mine));
                            if (truthRows.Contains(row))
                                sessionFound[q].Add(row);
                        }
                    }
                }
                transaction.Commit();
                return hits / (double)((long)queries.Count * kk);
            }

            double recall = Pass(null, session: true);
            int? coordinatorSetting = null;
            if (citus is not null && settingName is not null && MostAnswered(shardSettings) is { } seenOnShards)
                (coordinatorSetting, current) = (current, seenOnShards);
            var settings = new List<AuditSetting>();
            bool? reachesShards = citus is not null && settingName is not null ? true : null;
            // A pass whose answers' shards searched with another value than the one set: the setting does
            // not reach the shards, and every pass would measure the same thing. No sweep then.
            bool Add(int value)
            {
                double r = Pass(value, false);
                if (citus is not null && shardSettings.Keys.Any(seen => seen != value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    reachesShards = false;
                    settings.Clear();
                    return false;
                }
                settings.Add(new AuditSetting(value, r));
                return true;
            }
            if (method == "hnsw")
                foreach (int ef in s_efSearch)
                {
                    if (!Add(ef) || settings[^1].Recall >= 0.99 && ef >= 200)
                        break;
                }
            else if (method == "ivfflat")
                for (int probes = 1, lists = Lists(connection, indexName!); probes <= lists; probes = probes * 2 > lists && probes < lists ? lists : probes * 2)
                {
                    if (!Add(probes) || settings[^1].Recall >= 0.99)
                        break;
                }
            var shards = citus is { Kind: "distributed" or "append" or "range" }
                ? PerShard(connection, source, citus, keyExpression, rows, exact, sessionFound, shardOf) : [];

            var advice = Advice.Analyze(rows);
            return new AuditReport
            {
                Source = source.Display,
                Rows = rows.Count,
                Dimensions = rows.Dimensions,
                Index = method ?? "none",
                IndexName = indexName,
                OperatorClass = opclass,
                Metric = metric,
                Operator = op,
                K = kk,
                Queries = queries.Count,
                Sampled = sampled,
                Recall = recall,
                SettingName = settingName,
                CurrentSetting = current,
                CoordinatorSetting = coordinatorSetting,
                Distribution = citus,
                OnCitus = onCitus,
                SettingReachesShards = reachesShards,
                Shards = shards,
                Settings = settings,
                Reaches95 = settings.FirstOrDefault(s => s.Recall >= 0.95)?.Value,
                Reaches99 = settings.FirstOrDefault(s => s.Recall >= 0.99)?.Value,
                ScoreError = scoreError,
                Advised = advice.Recommended,
                AdvisedReasons = advice.Reasons,
                MeasureMatches = Family(advice.Recommended) == Family(metric),
            };
        }
        catch (NpgsqlException e)   // PostgresException (what the server said) included
        {
            throw PostgresConnection.Explain(source, e, "auditing");
        }
    }

    /// <summary>The setting most answers' shards searched with (null when there were none, or the GUC was unknown there).</summary>
    static int? MostAnswered(Dictionary<string, int> seen)
    {
        int? best = null;
        int most = 0;
        foreach (var (text, answers) in seen)
            if (answers > most && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out int value))
                (best, most) = (value, answers);
        return best;
    }

    /// <summary>
    /// Each shard's rows, the exact answers it holds and how many of those the session pass returned.
    /// The exact answers' shards come from one lookup (<c>tableoid::regclass</c> of those rows).
    /// </summary>
    static List<ShardRecall> PerShard(NpgsqlConnection connection, PostgresSource source, CitusTable citus, string keyExpression, EmbeddingMatrix rows,
        IReadOnlyList<IReadOnlyList<Neighbor>> exact, HashSet<int>[] found, Dictionary<int, string> shardOf)
    {
        var wanted = exact.SelectMany(t => t.Select(n => n.Index)).Distinct().Where(r => !shardOf.ContainsKey(r)).ToArray();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var transaction = connection.BeginTransaction())
        {
            using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
                readOnly.ExecuteNonQuery();
            if (wanted.Length > 0)
            {
                using var lookup = new NpgsqlCommand(
                    $"SELECT {keyExpression}, tableoid::regclass::text FROM {source.QualifiedTable} WHERE {keyExpression} = ANY($1)", connection, transaction);
                lookup.Parameters.AddWithValue(wanted.Select(r => rows.Keys![r]).ToArray());
                using var reader = lookup.ExecuteReader();
                while (reader.Read())
                    if (rows.IndexOf(reader.GetString(0)) is var row and >= 0)
                        shardOf[row] = reader.GetString(1);
            }
            using (var count = new NpgsqlCommand($"SELECT tableoid::regclass::text, count(*) FROM {source.QualifiedTable} WHERE {source.Condition} GROUP BY 1", connection, transaction))
            using (var reader = count.ExecuteReader())
                while (reader.Read())
                    counts[reader.GetString(0)] = reader.GetInt64(1);
            transaction.Commit();
        }
        var answers = new Dictionary<string, long>(StringComparer.Ordinal);
        var hits = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int q = 0; q < exact.Count; q++)
            foreach (var n in exact[q])
            {
                string shard = shardOf.GetValueOrDefault(n.Index, "?");
                answers[shard] = answers.GetValueOrDefault(shard) + 1;
                if (found[q].Contains(n.Index))
                    hits[shard] = hits.GetValueOrDefault(shard) + 1;
            }
        return [.. citus.Shards.Select(s => new ShardRecall(s.Name, s.Node, counts.GetValueOrDefault(s.Name), answers.GetValueOrDefault(s.Name), hits.GetValueOrDefault(s.Name)))];
    }

    /// <summary>cosine, dot or l2: the family a measure ranks in (l2 and l2sq rank alike, as do a score and its distance).</summary>
    static string Family(Metric metric) => metric switch
    {
        Metric.Cosine or Metric.CosineDistance => "cosine",
        Metric.Dot or Metric.NegativeDot => "dot",
        Metric.L2 or Metric.L2Squared => "l2",
        _ => "l1",
    };

    /// <summary>pgvector's distance for an operator class: l2 → &lt;-&gt;, ip → &lt;#&gt; (negative dot), cosine → &lt;=&gt;, l1 → &lt;+&gt;.</summary>
    static (Metric, string) ByOperatorClass(PostgresSource source, string opclass) => opclass switch
    {
        _ when opclass.EndsWith("_l2_ops", StringComparison.Ordinal) => (Metric.L2, "<->"),
        _ when opclass.EndsWith("_ip_ops", StringComparison.Ordinal) => (Metric.NegativeDot, "<#>"),
        _ when opclass.EndsWith("_cosine_ops", StringComparison.Ordinal) => (Metric.CosineDistance, "<=>"),
        _ when opclass.EndsWith("_l1_ops", StringComparison.Ordinal) => (Metric.L1, "<+>"),
        _ => throw new InputException($"{source.Display}: the index uses {opclass}, which audit does not compare (it compares the l2, ip, cosine and l1 classes)"),
    };

    /// <summary>Without an index: the URI's <c>metric=</c> (default cosine) as pgvector's distance.</summary>
    static (Metric, string) ByMetric(PostgresSource source) => (source.Metric is null ? Metric.Cosine : MetricInfo.Parse(source.Metric)) switch
    {
        Metric.Cosine or Metric.CosineDistance => (Metric.CosineDistance, "<=>"),
        Metric.Dot or Metric.NegativeDot => (Metric.NegativeDot, "<#>"),
        Metric.L2 or Metric.L2Squared => (Metric.L2, "<->"),
        _ => (Metric.L1, "<+>"),
    };

    static (string? Name, string? Method, string? OperatorClass) FindIndex(NpgsqlConnection connection, PostgresSource source)
    {
        using var command = new NpgsqlCommand(
            "SELECT ci.relname::text, am.amname::text, opc.opcname::text FROM pg_index i " +
            "JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_am am ON am.oid = ci.relam " +
            "JOIN pg_opclass opc ON opc.oid = i.indclass[0] " +
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] " +
            "WHERE i.indrelid = to_regclass($1) AND a.attname = $2 AND am.amname IN ('hnsw', 'ivfflat') AND i.indisvalid " +
            "ORDER BY ci.relname LIMIT 1", connection);
        command.Parameters.AddWithValue(source.QualifiedTable);
        command.Parameters.AddWithValue(source.Column);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1), reader.GetString(2)) : (null, null, null);
    }

    static int CurrentSetting(NpgsqlConnection connection, string name)
    {
        // pgvector registers its settings when its library loads: make a vector first.
        using (var load = new NpgsqlCommand("SELECT '[1]'::vector::text", connection))
            load.ExecuteNonQuery();
        using var command = new NpgsqlCommand($"SHOW {name}", connection);
        return int.Parse((string)command.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An ivfflat index's lists (its reloption, 100 when not given).</summary>
    static int Lists(NpgsqlConnection connection, string indexName)
    {
        using var command = new NpgsqlCommand(
            "SELECT coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'lists=%'), '100') FROM pg_class c WHERE c.relname = $1", connection);
        command.Parameters.AddWithValue(indexName);
        return int.Parse((string)command.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct rows, chosen by a seeded shuffle of the rows in key
    /// order: the same rows whatever order the server sends them in (a Citus coordinator streams
    /// its shards as they answer).
    /// </summary>
    static EmbeddingMatrix Sample(EmbeddingMatrix rows, int count, int seed)
    {
        int n = Math.Min(count, rows.Count);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        if (rows.Keys is { } keys)
            Array.Sort(order, (a, b) => string.CompareOrdinal(keys[a], keys[b]));
        new Random(seed).Shuffle(order);
        var data = new float[(long)n * rows.Dimensions];
        for (int i = 0; i < n; i++)
            rows[order[i]].CopyTo(data.AsSpan(i * rows.Dimensions, rows.Dimensions));
        return EmbeddingMatrix.Create(data, rows.Dimensions);
    }
}
