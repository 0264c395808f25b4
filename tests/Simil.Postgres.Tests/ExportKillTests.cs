using System.Diagnostics;
using Npgsql;
using Simil.Cli.Tests;

namespace Simil.Postgres.Tests;

/// <summary>An export killed at any moment leaves the table as it was or with every row: tested by killing.</summary>
public sealed class ExportKillTests(PostgresServer server)
{
    [Fact]
    public async Task Killing_index_export_leaves_the_old_rows_or_all_the_new_ones()
    {
        const string Table = "killed_export";
        var token = TestContext.Current.CancellationToken;
        var random = new Random(5);
        var data = new float[150_000 * 32];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        using var files = new TempFiles();
        using (var index = new FlatIndex(EmbeddingMatrix.Create(data, 32), Metric.Cosine))
            index.Save(files.Path("rows.simil"));
        string source = server.Source(Table, "embedding", "&key=id");
        server.Execute($"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (id text, embedding vector(32)); INSERT INTO {Table} SELECT 'old' || g, array_fill(0.5, ARRAY[32])::vector FROM generate_series(1, 1000) g");

        var clock = Stopwatch.StartNew();
        var first = await SimilProcess.RunAsync("index", "export", files.Path("rows.simil"), source);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.True(first.ExitCode == 0, first.Stderr);
        long Count()
        {
            using var connection = new NpgsqlConnection(server.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"SELECT count(*) FROM {Table}", connection);
            return (long)command.ExecuteScalar()!;
        }
        Assert.Equal(151_000L, Count());

        bool CopyRunning()
        {
            using var connection = new NpgsqlConnection(server.ConnectionString);
            connection.Open();
            using var active = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY \"{Table}\"%' AND pid <> pg_backend_pid()", connection);
            return (long)active.ExecuteScalar()! > 0;
        }

        int killedMidway = 0;
        foreach (double fraction in new[] { 0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97 })
        {
            long before = Count();
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "simil.dll"), "index", "export", files.Path("rows.simil"), source })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            await Task.Delay(TimeSpan.FromSeconds(seconds * fraction), token);
            bool wasRunning = !process.HasExited;
            if (wasRunning)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(token);
            // The server notices the dropped connection and rolls the transaction back: wait for its COPY to end.
            for (int wait = 0; wait < 100 && CopyRunning(); wait++)
                await Task.Delay(100, token);
            long after = Count();
            Assert.True(after == before || after == before + 150_000, $"killed at {fraction:P0}: {after:N0} rows, expected {before:N0} or {before + 150_000:N0}");
            if (wasRunning && after == before)
                killedMidway++;
        }
        Assert.True(killedMidway > 0, "no kill landed before the export committed");
    }
}
