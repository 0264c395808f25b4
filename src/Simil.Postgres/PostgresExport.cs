using Npgsql;
using Pgvector;

namespace Simil.Postgres;

/// <summary>What <see cref="PostgresExport.Export"/> did.</summary>
public sealed record ExportResult(int Rows, bool CreatedTable, string? IndexStatement)
{
    /// <summary>The table's Citus metadata after the export (shards and their nodes), or null for a table on one node.</summary>
    public CitusTable? Distribution { get; init; }
}

/// <summary>How <see cref="PostgresExport"/> writes a table.</summary>
public sealed record PostgresExportOptions
{
    /// <summary>Then build a pgvector index, <c>hnsw</c> or <c>ivfflat</c>, for the metric (on every shard of a distributed table).</summary>
    public string? IndexMethod { get; init; }

    /// <summary>
    /// On a Citus coordinator: distribute the table by this column (the key column), with
    /// <c>create_distributed_table</c> in the same transaction as the COPY.
    /// </summary>
    public string? DistributeBy { get; init; }

    /// <summary>The distributed table's shard count; null for Citus's <c>citus.shard_count</c>.</summary>
    public int? Shards { get; init; }
}

/// <summary>
/// Writes rows (and keys) into a table by binary <c>COPY … FROM STDIN</c> in one transaction,
/// then optionally builds the pgvector index whose operator class matches the metric
/// (docs/postgres.md).
/// </summary>
public static class PostgresExport
{
    /// <summary>pgvector's operator class for a metric: cosine → vector_cosine_ops, dot → vector_ip_ops, l2/l2sq → vector_l2_ops, l1 → vector_l1_ops.</summary>
    public static string OperatorClass(Metric metric) => metric switch
    {
        Metric.Cosine or Metric.CosineDistance => "vector_cosine_ops",
        Metric.Dot or Metric.NegativeDot => "vector_ip_ops",
        Metric.L2 or Metric.L2Squared => "vector_l2_ops",
        Metric.L1 => "vector_l1_ops",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a metric"),
    };

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of an index method that is not one, or does not fit the metric.</summary>
    public const string IndexMethodSetting = "IndexMethod";

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a distribution column that cannot be used.</summary>
    public const string DistributeBySetting = "DistributeBy";

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a shard count that cannot be used.</summary>
    public const string ShardsSetting = "Shards";

    /// <inheritdoc cref="Export(EmbeddingMatrix, Metric, PostgresSource, PostgresExportOptions, CancellationToken)"/>
    public static ExportResult Write(EmbeddingMatrix rows, Metric metric, PostgresSource target, string? indexMethod, CancellationToken token = default) =>
        Export(rows, metric, target, new PostgresExportOptions { IndexMethod = indexMethod }, token);

    /// <summary>
    /// Copies <paramref name="rows"/> into the target's table (created as <c>(key text, column vector(d))</c>
    /// when missing; an existing one must have the column with the same dimensions) and, with
    /// <see cref="PostgresExportOptions.IndexMethod"/> <c>hnsw</c> or <c>ivfflat</c>, indexes it for <paramref name="metric"/>.
    /// The key column is the target's <c>key=</c>, else <c>key</c>; rows without keys get their row numbers.
    /// With <see cref="PostgresExportOptions.DistributeBy"/>, a new table is distributed over a Citus
    /// cluster's workers in the same transaction. A failure leaves the table as it was.
    /// </summary>
    public static ExportResult Export(EmbeddingMatrix rows, Metric metric, PostgresSource target, PostgresExportOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        string? indexMethod = options.IndexMethod;
        if (target.Where is not null)
            throw new InputException($"{target.Display}: where= filters rows read from a table; an export target takes none");
        if (indexMethod is not (null or "hnsw" or "ivfflat"))
            throw new InvalidSettingException(IndexMethodSetting, $"'{indexMethod}' is not a pgvector index method; expected hnsw or ivfflat");
        if (metric == Metric.L1 && indexMethod == "ivfflat")
            throw new InvalidSettingException(IndexMethodSetting, "pgvector's ivfflat has no l1 operator class; use hnsw");
        string keyColumn = target.Key ?? "key";
        if (options.Shards is { } shards && (shards < 1 || options.DistributeBy is null))
            throw new InvalidSettingException(ShardsSetting, shards < 1 ? $"{shards} shards: a distributed table needs at least one" : "a shard count is for a distributed table; name its distribution column too");
        if (options.DistributeBy is { } by && by != keyColumn)
            throw new InvalidSettingException(DistributeBySetting,
                $"'{by}' is not the key column '{keyColumn}': the rows are distributed by the hash of their key (the other column, '{target.Column}', is the vector)");
        using var dataSource = PostgresConnection.DataSource(target);
        using var connection = PostgresConnection.Open(dataSource, target);
        try
        {
            bool created;
            using (var transaction = connection.BeginTransaction())
            {
                created = Prepare(connection, transaction, target, keyColumn, rows.Dimensions);
                if (options.DistributeBy is not null)
                    Distribute(connection, transaction, target, options, created);
                using (var copy = connection.BeginBinaryImport(
                    $"COPY {target.QualifiedTable} ({PostgresSource.Quote(keyColumn)}, {PostgresSource.Quote(target.Column)}) FROM STDIN (FORMAT binary)"))
                {
                    for (int i = 0; i < rows.Count; i++)
                    {
                        if ((i & 4095) == 0)
                            token.ThrowIfCancellationRequested();
                        copy.StartRow();
                        copy.Write(rows.Keys is { } keys ? keys[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        copy.Write(new Vector(rows[i].ToArray()));
                    }
                    copy.Complete();
                }
                transaction.Commit();
            }
            string? statement = null;
            if (indexMethod is not null)
            {
                statement = $"CREATE INDEX ON {target.QualifiedTable} USING {indexMethod} ({PostgresSource.Quote(target.Column)} {OperatorClass(metric)})";
                using var index = new NpgsqlCommand(statement, connection);
                index.ExecuteNonQuery();
            }
            return new ExportResult(rows.Count, created, statement) { Distribution = CitusTable.Find(connection, target) };
        }
        catch (NpgsqlException e)   // PostgresException (what the server said) included
        {
            throw PostgresConnection.Explain(target, e, "writing");
        }
    }

    /// <summary>
    /// Distributes the table just created (<c>create_distributed_table</c>, in the export's
    /// transaction), or checks that the existing one is distributed as asked.
    /// </summary>
    static void Distribute(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresSource target, PostgresExportOptions options, bool created)
    {
        if (!CitusTable.Installed(connection, transaction))
            throw new InputException($"{target.Display}: the server has no Citus extension; a table can be distributed only on a Citus coordinator");
        if (!created)
        {
            var table = CitusTable.Find(connection, target, transaction);
            if (table is null)
                throw new InputException($"{target.Display}: {target.QualifiedTable} exists and is not distributed; drop it, distribute it (create_distributed_table), or export into it undistributed");
            if (table.Kind != "distributed" || table.DistributionColumn != options.DistributeBy)
                throw new InputException($"{target.Display}: {target.QualifiedTable} is a {table.Kind} table" +
                    (table.DistributionColumn is { } c ? $" distributed by '{c}'" : "") + $", not one distributed by '{options.DistributeBy}'");
            if (options.Shards is { } shards && shards != table.Shards.Count)
                throw new InvalidSettingException(ShardsSetting, $"{target.Display}: {target.QualifiedTable} already has {table.Shards.Count} shards, not {shards}");
            return;
        }
        using var distribute = new NpgsqlCommand(
            options.Shards is null ? "SELECT create_distributed_table($1::regclass, $2)" : "SELECT create_distributed_table($1::regclass, $2, shard_count => $3)", connection, transaction);
        distribute.Parameters.AddWithValue(target.QualifiedTable);
        distribute.Parameters.AddWithValue(options.DistributeBy!);
        if (options.Shards is { } count)
            distribute.Parameters.AddWithValue(count);
        distribute.ExecuteNonQuery();
    }

    /// <summary>Creates the table, or checks that the existing one can take the rows; true when created.</summary>
    static bool Prepare(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresSource target, string keyColumn, int dimensions)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction))
        {
            exists.Parameters.AddWithValue(target.QualifiedTable);
            if (exists.ExecuteScalar() is true)
            {
                var column = VectorColumn.Find(connection, target);
                if (column.Type != VectorColumnType.Vector || column.Dimensions is { } d && d != dimensions)
                    throw new InputException($"{target.Display}: column '{target.Column}' is {column.TypeName}; the rows are vector({dimensions})");
                return false;
            }
        }
        using var create = new NpgsqlCommand(
            $"CREATE TABLE {target.QualifiedTable} ({PostgresSource.Quote(keyColumn)} text, {PostgresSource.Quote(target.Column)} vector({dimensions}))", connection, transaction);
        create.ExecuteNonQuery();
        return true;
    }
}
