using Npgsql;

namespace Simil.Postgres;

/// <summary>One shard of a Citus table: its relation's name (as <c>tableoid::regclass</c> prints it on its worker) and its node.</summary>
public sealed record CitusShard(long Id, string Name, string Node);

/// <summary>
/// A table in Citus's metadata on the coordinator (<c>pg_dist_partition</c>): how it is
/// distributed and where its shards live (docs/postgres.md, "Citus").
/// </summary>
public sealed class CitusTable
{
    /// <summary><c>distributed</c> (hash), <c>reference</c> (a copy on every node), <c>local</c> (a Citus local table), <c>append</c> or <c>range</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The distribution column, or null for a reference or local table.</summary>
    public string? DistributionColumn { get; init; }

    /// <summary>Every shard with its node (one placement each; the first for a reference table's copies).</summary>
    public required IReadOnlyList<CitusShard> Shards { get; init; }

    /// <summary>The nodes holding shards, <c>host:port</c>, in order.</summary>
    public IReadOnlyList<string> Nodes => [.. Shards.Select(s => s.Node).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>True when the server has the Citus extension.</summary>
    internal static bool Installed(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection, transaction);
        return command.ExecuteScalar() is true;
    }

    /// <summary>The table's Citus metadata, or null when the server has no Citus or the table is not in its metadata.</summary>
    internal static CitusTable? Find(NpgsqlConnection connection, PostgresSource source, NpgsqlTransaction? transaction = null)
    {
        if (!Installed(connection, transaction))
            return null;
        string kind;
        string? column;
        using (var command = new NpgsqlCommand(
            "SELECT partmethod::text, repmodel::text, CASE WHEN partkey IS NULL THEN NULL ELSE column_to_column_name(logicalrelid, partkey) END " +
            "FROM pg_dist_partition WHERE logicalrelid = to_regclass($1)", connection, transaction))
        {
            command.Parameters.AddWithValue(source.QualifiedTable);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
                return null;
            kind = (reader.GetString(0), reader.GetString(1)) switch
            {
                ("h", _) => "distributed",
                ("n", "t") => "reference",
                ("n", _) => "local",
                ("a", _) => "append",
                ("r", _) => "range",
                (var m, _) => m,
            };
            column = reader.IsDBNull(2) ? null : reader.GetString(2);
        }
        var shards = new List<CitusShard>();
        using (var command = new NpgsqlCommand(
            "SELECT DISTINCT ON (s.shardid) s.shardid, shard_name(s.logicalrelid, s.shardid)::text, p.nodename || ':' || p.nodeport " +
            "FROM pg_dist_shard s JOIN pg_dist_shard_placement p ON p.shardid = s.shardid " +
            "WHERE s.logicalrelid = to_regclass($1) ORDER BY s.shardid, p.placementid", connection, transaction))
        {
            command.Parameters.AddWithValue(source.QualifiedTable);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                shards.Add(new CitusShard(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        return new CitusTable { Kind = kind, DistributionColumn = column, Shards = shards };
    }
}
