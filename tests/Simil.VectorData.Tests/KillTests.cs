using System.Diagnostics;

namespace Simil.VectorData.Tests;

/// <summary>
/// A process writing a collection round after round is killed at random moments; the collection
/// then always opens whole, as one round wrote it: every record of that round, no other, each with
/// that round's stamp and vector (the manifest is replaced last, so a kill leaves the old
/// generation or the new one).
/// </summary>
public sealed class KillTests
{
    [Fact]
    public async Task A_killed_writer_leaves_one_whole_generation()
    {
        var token = TestContext.Current.CancellationToken;
        var random = new Random(7);
        for (int attempt = 0; attempt < 8; attempt++)
        {
            string folder = Path.Combine(Path.GetTempPath(), $"simil-kill-{Guid.NewGuid():N}");
            try
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Simil.VectorData.Writer.dll"));
                start.ArgumentList.Add(folder);
                using (var writer = Process.Start(start)!)
                {
                    Assert.Equal("ready", await writer.StandardOutput.ReadLineAsync(token));
                    await Task.Delay(random.Next(20, 1500), token);
                    writer.Kill();
                    await writer.WaitForExitAsync(token);
                }
                using var store = new SimilVectorStore(folder, new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false });
                var collection = store.GetCollection<int, Stamped>("killed");
                Assert.True(await collection.CollectionExistsAsync(token));
                var all = await collection.GetAsync(r => true, int.MaxValue, new() { IncludeVectors = true }, token).ToListAsync(token);
                int round = all[0].Round;
                Assert.All(all, r => Assert.Equal(round, r.Round));
                Assert.Equal(Enumerable.Range(0, 10 * round + 10), all.Select(r => r.Id).Order());
                foreach (var r in all)
                    Assert.Equal(Stamped.VectorFor(r.Id, round), r.Vector);
                var nearest = await collection.SearchAsync(Stamped.VectorFor(3, round), 1, cancellationToken: token).ToListAsync(token);
                Assert.Equal(3, nearest[0].Record.Id);
            }
            finally
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }
}
