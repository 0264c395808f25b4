using System.Diagnostics;
using Npgsql;
using Simil.Cli.Tests;

namespace Simil.Postgres.Tests;

/// <summary>
/// Faults on a real Citus cluster, made by stopping a worker (immediate shutdown, as a crash) or
/// damaging a shard: each is one line naming the source and the worker, exit 2; restarted, it works.
/// </summary>
[Collection(CitusCollection.Name)]
public sealed class CitusFaultTests(CitusCluster cluster)
{
    static CancellationToken Token => TestContext.Current.CancellationToken;

    static string IndexFile(TempFiles files, int rows, int dimensions = 32, string name = "rows.simil")
    {
        var random = new Random(3);
        var data = new float[rows * dimensions];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        using var index = new FlatIndex(EmbeddingMatrix.Create(data, dimensions), Metric.Cosine);
        index.Save(files.Path(name));
        return files.Path(name);
    }

    async Task Distributed(TempFiles files, string table, int rows, bool index = true)
    {
        cluster.Execute($"DROP TABLE IF EXISTS {table}");
        var args = new List<string> { "index", "export", IndexFile(files, rows), cluster.Source(table, "embedding"), "--distribute-by", "key", "--shards", "4" };
        if (index)
            args.AddRange(["--create-index", "hnsw"]);
        var export = await SimilProcess.RunAsync([.. args]);
        Assert.True(export.ExitCode == 0, export.Stderr);
    }

    /// <summary>
    /// True once another client of the coordinator runs, or holds a transaction open after, a
    /// statement starting with <paramref name="prefix"/>.
    /// </summary>
    bool Running(string prefix)
    {
        using var connection = new NpgsqlConnection(cluster.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE state IN ('active', 'idle in transaction') AND query LIKE $1 AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue(prefix + "%");
        return (long)command.ExecuteScalar()! > 0;
    }

    bool Answers(int worker)
    {
        try
        {
            cluster.Scalar("SELECT 1", worker);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs simil with <paramref name="args"/>, stops worker <paramref name="worker"/> once the
    /// coordinator runs a statement starting with <paramref name="statement"/> for it, and returns
    /// what simil printed; the worker is started again whatever happens.
    /// </summary>
    async Task<RunResult> StopWorkerDuring(int worker, string statement, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "simil.dll") }.Concat(args))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Token);
        var stderr = process.StandardError.ReadToEndAsync(Token);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!Running(statement) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(10, Token);
            // (the message must not await the output: that would wait for the process to end)
            Assert.False(process.HasExited, $"simil {args[0]} ended before '{statement}' could be interrupted");
            cluster.StopWorker(worker);
            Assert.False(Answers(worker), "the worker still answers");
            await process.WaitForExitAsync(Token);
        }
        finally
        {
            cluster.StartWorker(worker);
        }
        return new RunResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_stopped_worker_is_one_line_naming_it_and_a_restarted_one_works_again()
    {
        using var files = new TempFiles();
        await Distributed(files, "cit_down", 4_000);
        string source = cluster.Source("cit_down", "embedding", "&key=key");
        cluster.StopWorker(2);
        try
        {
            foreach (var args in new[] { new[] { "search", source, "--query", "7", "-k", "3" }, ["audit", source, "--sample", "10"], ["advise", source] })
            {
                var failed = await SimilProcess.RunAsync(args);
                string line = SimilProcess.AssertOneLineError(failed, 2);
                Assert.Contains("cit_down", line, StringComparison.Ordinal);
                Assert.Contains($"connection to the remote node postgres@{cluster.Worker(2)} failed", line, StringComparison.Ordinal);
                Assert.EndsWith("(a Citus worker cannot be reached)", line, StringComparison.Ordinal);
            }
        }
        finally
        {
            cluster.StartWorker(2);
        }
        var again = await SimilProcess.RunAsync("search", source, "--query", "7", "-k", "3", "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("\"key\":\"7\"", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_stopped_while_audit_asks_its_queries_is_one_line_naming_it()
    {
        using var files = new TempFiles();
        await Distributed(files, "cit_mid_audit", 20_000);
        string source = cluster.Source("cit_mid_audit", "embedding", "&key=key");
        // The queries, not the read: the worker stops once the application's ORDER BY … LIMIT runs.
        var result = await StopWorkerDuring(1, "SELECT \"key\"::text, \"embedding\" <=>", "audit", source, "--sample", "2000");
        string line = SimilProcess.AssertOneLineError(result, 2);
        Assert.Contains("auditing failed", line, StringComparison.Ordinal);
        Assert.Contains(cluster.Worker(1), line, StringComparison.Ordinal);
        var again = await SimilProcess.RunAsync("audit", source, "--sample", "10", "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
    }

    [Fact]
    public async Task A_worker_stopped_mid_copy_leaves_no_table_and_names_the_worker()
    {
        using var files = new TempFiles();
        cluster.Execute("DROP TABLE IF EXISTS cit_mid_copy");
        // Big enough (1M × 64, ~256 MB) that the COPY runs for seconds: the worker stops mid-stream,
        // not after the coordinator has prepared the commit.
        string file = IndexFile(files, 1_000_000, 64);
        var result = await StopWorkerDuring(1, "COPY \"cit_mid_copy\"", "index", "export", file, cluster.Source("cit_mid_copy", "embedding"), "--distribute-by", "key", "--shards", "4");
        string line = SimilProcess.AssertOneLineError(result, 2);
        Assert.Contains("writing failed", line, StringComparison.Ordinal);
        Assert.Contains(cluster.Worker(1), line, StringComparison.Ordinal);
        // The table was created in the COPY's transaction: nothing of it is left, on any node.
        Assert.Null(cluster.Scalar("SELECT to_regclass('cit_mid_copy')::text"));
        foreach (int worker in new[] { 1, 2 })
        {
            using var connection = new NpgsqlConnection(cluster.NodeConnectionString(worker));
            connection.Open();
            using (var visible = new NpgsqlCommand("SET citus.override_table_visibility TO off", connection))
                visible.ExecuteNonQuery();
            using var shards = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'cit_mid_copy%'", connection);
            Assert.Equal(0L, shards.ExecuteScalar());
        }
    }

    [Fact]
    public async Task A_wrong_password_for_the_coordinator_is_one_line_without_the_password()
    {
        var result = await SimilProcess.RunAsync("search", $"postgres://app:wrong-pw@{cluster.Host}:{cluster.Port}/simil?table=t&column=embedding", "--query", "1");
        string line = SimilProcess.AssertOneLineError(result, 2);
        Assert.Contains("authentication refused", line, StringComparison.Ordinal);
        Assert.Contains($"postgres://app@{cluster.Host}:{cluster.Port}/simil", line, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_missing_on_one_shard_is_one_line_naming_its_worker()
    {
        using var files = new TempFiles();
        await Distributed(files, "cit_damaged", 2_000, index: false);
        string shard = (string)cluster.Scalar("SELECT shard_name('cit_damaged'::regclass, min(shardid)) FROM pg_dist_shard WHERE logicalrelid = 'cit_damaged'::regclass")!;
        string node = (string)cluster.Scalar($"SELECT nodename || ':' || nodeport FROM pg_dist_shard_placement WHERE shardid = (SELECT min(shardid) FROM pg_dist_shard WHERE logicalrelid = 'cit_damaged'::regclass)")!;
        int worker = node == cluster.Worker(1) ? 1 : 2;
        // On the worker, behind Citus's back: the shard's vector column renamed.
        cluster.Execute($"SET citus.enable_ddl_propagation TO off; ALTER TABLE {shard} RENAME COLUMN embedding TO lost", worker);
        var result = await SimilProcess.RunAsync("search", cluster.Source("cit_damaged", "embedding", "&key=key"), "--query", "3");
        string line = SimilProcess.AssertOneLineError(result, 2);
        Assert.Contains("column \"embedding\" does not exist", line, StringComparison.Ordinal);
        Assert.EndsWith($"on worker {node}: a shard there lacks a column the coordinator's table has", line, StringComparison.Ordinal);
    }
}
