using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Simil.Postgres.Tests.CitusCluster))]

namespace Simil.Postgres.Tests;

/// <summary>The Citus tests run one at a time: the fault tests stop and start workers.</summary>
[CollectionDefinition(Name)]
public sealed class CitusCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "citus";
}

/// <summary>
/// A real Citus 12.1 cluster (a coordinator and two workers, PostgreSQL 15 + pgvector) for the
/// whole run: the one named by <c>SIMIL_CITUS_URI</c> and <c>SIMIL_CITUS_DIR</c> (as
/// <c>.ci/run</c> starts it), else one this fixture starts with <c>tests/Postgres/citus-cluster.sh</c>
/// on free loopback ports and stops at the end. No mock: every test talks to the cluster.
/// </summary>
public sealed class CitusCluster : IDisposable
{
    readonly bool _owned;

    public CitusCluster()
    {
        if (Environment.GetEnvironmentVariable("SIMIL_CITUS_URI") is { Length: > 0 } uri
            && Environment.GetEnvironmentVariable("SIMIL_CITUS_DIR") is { Length: > 0 } dir)
            (Uri, Folder) = (uri, dir);
        else
        {
            Folder = Path.Combine(Path.GetTempPath(), $"simil-citus-{Environment.ProcessId}");
            Uri = Script("start", Folder, FreePorts().ToString(CultureInfo.InvariantCulture)).Trim();
            _owned = true;
        }
        var parsed = new Uri(Uri);
        Host = parsed.Host;
        Port = parsed.Port;
        ConnectionString = NodeConnectionString(0);
        // A role that must give a password on the coordinator, for the authentication test.
        Execute("DO $$ BEGIN CREATE ROLE app LOGIN PASSWORD 's3cret-pw'; EXCEPTION WHEN duplicate_object THEN ALTER ROLE app PASSWORD 's3cret-pw'; END $$");
    }

    /// <summary>postgres://postgres@127.0.0.1:PORT/simil, the coordinator.</summary>
    public string Uri { get; }

    /// <summary>The cluster's folder (the script's DIR), for stopping and starting workers.</summary>
    public string Folder { get; }

    public string Host { get; }

    /// <summary>The coordinator's port; worker n listens on Port + n.</summary>
    public int Port { get; }

    /// <summary>The coordinator, for the tests' own SQL.</summary>
    public string ConnectionString { get; }

    /// <summary>Node n (0 the coordinator, 1 and 2 the workers) as postgres.</summary>
    public string NodeConnectionString(int node) =>
        $"Host={Host};Port={Port + node};Username=postgres;Database=simil;Include Error Detail=true;Pooling=false";

    /// <summary>host:port of worker n, as Citus names it in messages.</summary>
    public string Worker(int node) => $"{Host}:{Port + node}";

    /// <summary>A source URI for a table and column on the coordinator.</summary>
    public string Source(string table, string column, string extra = "") => $"postgres://postgres@{Host}:{Port}/simil?table={table}&column={column}{extra}";

    public void Execute(string sql, int node = 0)
    {
        using var connection = new NpgsqlConnection(NodeConnectionString(node));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The first value of the first row; SQL NULL as null.</summary>
    public object? Scalar(string sql, int node = 0)
    {
        using var connection = new NpgsqlConnection(NodeConnectionString(node));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar() is var value && value is DBNull ? null : value;
    }

    /// <summary>Stops worker n at once (immediate shutdown, as a crash).</summary>
    public void StopWorker(int node) => Script("stop-node", Folder, node.ToString(CultureInfo.InvariantCulture));

    /// <summary>Starts worker n again and waits until it answers.</summary>
    public void StartWorker(int node) => Script("start-node", Folder, node.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        if (_owned)
            Script("stop", Folder);
    }

    /// <summary>A port p with p, p+1 and p+2 free on loopback.</summary>
    static int FreePorts()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            if (port < 65000 && Free(port + 1) && Free(port + 2))
                return port;
        }
        throw new InvalidOperationException("no three consecutive free loopback ports");
    }

    static bool Free(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static string Script(params string[] args) => TestScript.Run("citus-cluster.sh", args);
}
