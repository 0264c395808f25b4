using Npgsql;

namespace Simil.Postgres;

/// <summary>The element type of a pgvector column.</summary>
public enum VectorColumnType
{
    /// <summary><c>vector</c>: float32.</summary>
    Vector,

    /// <summary><c>halfvec</c>: float16, widened exactly.</summary>
    HalfVec,

    /// <summary><c>bit</c>: one bit a dimension, read as 0 and 1.</summary>
    Bit,
}

/// <summary>What the catalog says of a source's column: its type, its declared dimensions, the table's estimated rows.</summary>
sealed record VectorColumn(VectorColumnType Type, string TypeName, int? Dimensions, long EstimatedRows)
{
    /// <summary>Looks the table and column up; a missing one, or a column of another type, is an <see cref="InputException"/>.</summary>
    public static VectorColumn Find(NpgsqlConnection connection, PostgresSource source)
    {
        long estimate;
        using (var table = new NpgsqlCommand("SELECT c.reltuples::bigint FROM pg_class c WHERE c.oid = to_regclass($1)", connection))
        {
            table.Parameters.AddWithValue(source.QualifiedTable);
            if (table.ExecuteScalar() is not long rows)
                throw new InputException($"{source.Display}: no table {source.QualifiedTable} in this database");
            estimate = rows;
        }
        if (estimate <= 0)
            estimate = Math.Max(estimate, CitusEstimate(connection, source));
        var columns = new List<(string Name, string Type, string TypeName)>();
        using (var command = new NpgsqlCommand(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typname::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid " +
            "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", connection))
        {
            command.Parameters.AddWithValue(source.QualifiedTable);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        string Names() => string.Join(", ", columns.Select(c => $"{c.Name} {c.Type}"));
        if (source.Key is { } key && !columns.Exists(c => c.Name == key))
            throw new InputException($"{source.Display}: {source.QualifiedTable} has no column '{key}' for key= (its columns: {Names()})");
        foreach (var named in source.Columns ?? [])
            if (!columns.Exists(c => c.Name == named))
                throw new InputException($"{source.Display}: {source.QualifiedTable} has no column '{named}' for columns= (its columns: {Names()})");
        var found = columns.Find(c => c.Name == source.Column);
        if (found.Name is null)
            throw new InputException($"{source.Display}: {source.QualifiedTable} has no column '{source.Column}' (its columns: {Names()})");
        VectorColumnType type = found.TypeName switch
        {
            "vector" => VectorColumnType.Vector,
            "halfvec" => VectorColumnType.HalfVec,
            "bit" => VectorColumnType.Bit,
            _ => throw new InputException($"{source.Display}: column '{source.Column}' is {found.Type}, not a vector, halfvec or bit column"),
        };
        int open = found.Type.IndexOf('(', StringComparison.Ordinal);
        int? dimensions = open > 0 && int.TryParse(found.Type.AsSpan(open + 1, found.Type.Length - open - 2), out int d) ? d : null;
        return new VectorColumn(type, found.Type, dimensions, estimate);
    }

    /// <summary>
    /// A Citus table's rows live in its shards, so the coordinator's own <c>reltuples</c> is 0: the
    /// shards' estimates summed (shards that cannot be reached count 0; the read then says why).
    /// Without it the reader grows its memory from nothing, copying every row several times.
    /// </summary>
    static long CitusEstimate(NpgsqlConnection connection, PostgresSource source)
    {
        if (CitusTable.Find(connection, source) is null)
            return 0;
        using var shards = new NpgsqlCommand(
            "SELECT coalesce(sum(result::float8), 0)::bigint FROM run_command_on_shards($1::regclass, " +
            "$$SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = '%s'::regclass$$) WHERE success", connection);
        shards.Parameters.AddWithValue(source.QualifiedTable);
        return shards.ExecuteScalar() is long sum ? sum : 0;
    }
}
