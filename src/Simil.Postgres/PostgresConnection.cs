using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Simil.Postgres;

/// <summary>
/// Opening a connection for a source, and turning what PostgreSQL or the network says into one
/// line that names the source (without its password): unreachable, authentication refused,
/// missing database, a failing condition.
/// </summary>
static class PostgresConnection
{
    /// <summary>A data source that knows pgvector's types (vector, halfvec, sparsevec).</summary>
    public static NpgsqlDataSource DataSource(PostgresSource source)
    {
        var builder = new NpgsqlDataSourceBuilder(source.ConnectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <summary>An open connection, or an <see cref="InputException"/> saying why not.</summary>
    public static NpgsqlConnection Open(NpgsqlDataSource dataSource, PostgresSource source)
    {
        try
        {
            return dataSource.OpenConnection();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            throw Explain(source, e, "connecting");
        }
    }

    /// <summary>One line for a failure while <paramref name="doing"/> something with the source.</summary>
    public static InputException Explain(PostgresSource source, Exception e, string doing)
    {
        string message = e switch
        {
            PostgresException { SqlState: "28P01" or "28000" } pg => $"authentication refused: {pg.MessageText}",
            PostgresException { SqlState: "3D000" } pg => pg.MessageText,
            PostgresException { SqlState: "42P01" } pg => pg.MessageText,
            // Syntax errors, unknown names (class 42) and bad values (class 22) in a query carrying the user's condition.
            PostgresException pg when source.Where is not null && pg.SqlState[..2] is "42" or "22" => $"the query failed (check where={source.Where}): {pg.MessageText}",
            PostgresException pg => $"{doing} failed: {pg.MessageText}",
            NpgsqlException { InnerException: SocketException socket } => $"cannot reach the server ({socket.Message})",
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => "cannot reach the server (timed out)",
            NpgsqlException n when n.Message.Contains("password", StringComparison.OrdinalIgnoreCase) =>
                "authentication refused: the server asks for a password and none was given (URI, PGPASSWORD or .pgpass)",
            _ => $"{doing} failed: {FirstLine(e.Message)}",
        };
        return new InputException($"{source.Display}: {FirstLine(message)}{OnWorker(e)}", e);
    }

    /// <summary>
    /// Where Citus says a shard's query failed on a worker ("while executing command on HOST:PORT"),
    /// that worker; a connection to a worker that failed already names it in the message.
    /// </summary>
    static string OnWorker(Exception e)
    {
        if (e is not PostgresException pg)
            return "";
        if (pg.MessageText.StartsWith("connection to the remote node ", StringComparison.Ordinal))
            return " (a Citus worker cannot be reached)";
        if (pg.Where is not { } where || Regex.Match(where, @"while executing command on (\S+)") is not { Success: true } on)
            return "";
        return pg.SqlState == "42703"
            ? $" on worker {on.Groups[1].Value}: a shard there lacks a column the coordinator's table has"
            : $" on worker {on.Groups[1].Value}";
    }

    static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
