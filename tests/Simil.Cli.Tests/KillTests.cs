using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Simil.Cli.Tests;

/// <summary>A killed write leaves the old file as it was: tested by killing, at several moments of the write.</summary>
public sealed class KillTests
{
    [Theory]
    [InlineData("npy")]
    [InlineData("json")]
    public async Task Killing_matrix_out_leaves_the_old_file_or_the_whole_new_one(string format)
    {
        using var files = new TempFiles();
        var random = new Random(14);
        var text = new StringBuilder();
        for (int r = 0; r < 2_000; r++)
            text.AppendLine(string.Join(' ', Enumerable.Range(0, 8).Select(_ => (random.NextDouble() * 2 - 1).ToString("R", CultureInfo.InvariantCulture))));
        var input = files.Write("rows.txt", text.ToString());
        var small = files.Write("small.txt", "1 2\n3 4\n");

        // The complete new file (16 MB of scores as npy), and how long writing it takes end to end.
        var reference = files.Path("reference." + format);
        var clock = Stopwatch.StartNew();
        var full = await SimilProcess.RunAsync("matrix", input, "--format", format, "--out", reference);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.True(full.ExitCode == 0, full.Stderr);
        var newBytes = await File.ReadAllBytesAsync(reference, TestContext.Current.CancellationToken);

        var target = files.Path("out." + format);
        var old = await SimilProcess.RunAsync("matrix", small, "--format", format, "--out", target);
        Assert.True(old.ExitCode == 0, old.Stderr);
        var oldBytes = await File.ReadAllBytesAsync(target, TestContext.Current.CancellationToken);

        int killedMidway = 0;
        foreach (double fraction in new[] { 0.3, 0.5, 0.65, 0.8, 0.9, 0.97 })
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "simil.dll"), "matrix", input, "--format", format, "--out", target })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            await Task.Delay(TimeSpan.FromSeconds(seconds * fraction), TestContext.Current.CancellationToken);
            bool wasRunning = !process.HasExited;
            if (wasRunning)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            var now = await File.ReadAllBytesAsync(target, TestContext.Current.CancellationToken);
            bool isOld = now.AsSpan().SequenceEqual(oldBytes), isNew = now.AsSpan().SequenceEqual(newBytes);
            Assert.True(isOld || isNew, $"killed at {fraction:P0} of the write: the output is neither the old file nor the whole new one ({now.Length} bytes)");
            if (wasRunning && isOld)
                killedMidway++;
            // Start the next round from the old file again.
            await File.WriteAllBytesAsync(target, oldBytes, TestContext.Current.CancellationToken);
        }
        // At least one kill must have landed while the old file was still in place, or this test tested nothing.
        Assert.True(killedMidway > 0, "no kill landed before the write finished");
    }
}
