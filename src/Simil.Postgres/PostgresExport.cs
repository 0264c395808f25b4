using Npgsql;
using Pgvector;

namespace Simil.Postgres;

/// <summary>What <see cref="PostgresExport.Write"/> did.</summary>
public sealed record ExportResult(int Rows, bool CreatedTable, string? IndexStatement);

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

    /// <summary>
    /// Copies <paramref name="rows"/> into the target's table (created as <c>(key text, column vector(d))</c>
    /// when missing; an existing one must have the column with the same dimensions) and, with
    /// <paramref name="indexMethod"/> <c>hnsw</c> or <c>ivfflat</c>, indexes it for <paramref name="metric"/>.
    /// The key column is the target's <c>key=</c>, else <c>key</c>; rows without keys get their row numbers.
    /// A failure leaves the table as it was.
    /// </summary>
    public static ExportResult Write(EmbeddingMatrix rows, Metric metric, PostgresSource target, string? indexMethod, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Where is not null)
            throw new InputException($"{target.Display}: where= filters rows read from a table; an export target takes none");
        if (indexMethod is not (null or "hnsw" or "ivfflat"))
            throw new InvalidSettingException(IndexMethodSetting, $"'{indexMethod}' is not a pgvector index method; expected hnsw or ivfflat");
        if (metric == Metric.L1 && indexMethod == "ivfflat")
            throw new InvalidSettingException(IndexMethodSetting, "pgvector's ivfflat has no l1 operator class; use hnsw");
        string keyColumn = target.Key ?? "key";
        using var dataSource = PostgresConnection.DataSource(target);
        using var connection = PostgresConnection.Open(dataSource, target);
        try
        {
            bool created;
            using (var transaction = connection.BeginTransaction())
            {
                created = Prepare(connection, transaction, target, keyColumn, rows.Dimensions);
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
            return new ExportResult(rows.Count, created, statement);
        }
        catch (NpgsqlException e)   // PostgresException (what the server said) included
        {
            throw PostgresConnection.Explain(target, e, "writing");
        }
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
