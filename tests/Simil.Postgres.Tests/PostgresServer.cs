using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Simil.Postgres.Tests.PostgresServer))]

namespace Simil.Postgres.Tests;

/// <summary>
/// A real PostgreSQL 15 with pgvector for the whole test run: the one named by
/// <c>SIMIL_POSTGRES_URI</c> (as <c>.ci/run</c> starts it), else one this fixture starts with
/// <c>tests/Postgres/pgvector-server.sh</c> on a free loopback port and stops at the end.
/// No mock: every test talks to the server.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    readonly string? _folder;
    readonly NpgsqlDataSource _vectors;

    public PostgresServer()
    {
        if (Environment.GetEnvironmentVariable("SIMIL_POSTGRES_URI") is { Length: > 0 } uri)
            Uri = uri;
        else
        {
            _folder = Path.Combine(Path.GetTempPath(), $"simil-pg-{Environment.ProcessId}");
            int port = FreePort();
            Uri = Script("start", _folder, port.ToString(CultureInfo.InvariantCulture)).Trim();
        }
        var parsed = new Uri(Uri);
        Host = parsed.Host;
        Port = parsed.Port;
        ConnectionString = $"Host={Host};Port={Port};Username=postgres;Database=simil;Include Error Detail=true";
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.UseVector();
        _vectors = builder.Build();
        // A role that must give a password (the server trusts only postgres), for the authentication tests.
        Execute("DO $$ BEGIN CREATE ROLE app LOGIN PASSWORD 's3cret-pw'; EXCEPTION WHEN duplicate_object THEN ALTER ROLE app PASSWORD 's3cret-pw'; END $$");
    }

    /// <summary>postgres://postgres@127.0.0.1:PORT/simil</summary>
    public string Uri { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary>For the tests' own SQL (set-up and independent checks).</summary>
    public string ConnectionString { get; }

    /// <summary>A source URI for a table and column of the test database.</summary>
    public string Source(string table, string column, string extra = "") => $"postgres://postgres@{Host}:{Port}/simil?table={table}&column={column}{extra}";

    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>A connection that knows pgvector's types, from one data source for the whole run.</summary>
    public NpgsqlConnection Open() => _vectors.OpenConnection();

    public void Dispose()
    {
        _vectors.Dispose();
        if (_folder is not null)
            Script("stop", _folder);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string Script(params string[] args) => TestScript.Run("pgvector-server.sh", args);
}
