using System.Diagnostics;
using Simil.Collections;

namespace Simil.Tests.Collections;

/// <summary>One writer at a time, across processes: another process's lock (flock(1), the same OS lock .NET takes) makes a writer wait, or give up in one line.</summary>
public sealed class WriterLockTests
{
    [Fact]
    public void A_writer_waits_for_another_process_holding_the_lock()
    {
        if (OperatingSystem.IsWindows())
            return;   // flock(1) is a Unix tool; the lock itself is the same share-none open there
        var folder = Directory.CreateTempSubdirectory("simil-lock-").FullName;
        try
        {
            var lockFile = Path.Combine(folder, WriterLock.FileName);
            File.WriteAllBytes(lockFile, []);
            using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", lockFile, "sleep", "1.5"]) { UseShellExecute = false })!;
            Thread.Sleep(300);   // flock(1) has the lock
            var e = Assert.Throws<InputException>(() => WriterLock.Acquire(folder, TimeSpan.FromMilliseconds(200), cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("another writer", e.Message, StringComparison.Ordinal);
            // Waits for the holder, then holds the lock itself: another process cannot take it now.
            using (WriterLock.Acquire(folder, TimeSpan.FromSeconds(30), cancellationToken: TestContext.Current.CancellationToken))
            {
                using var probe = Process.Start(new ProcessStartInfo("flock", ["-n", lockFile, "true"]) { UseShellExecute = false })!;
                probe.WaitForExit();
                Assert.NotEqual(0, probe.ExitCode);
            }
            // Released: taken again at once, and a second taker in this process waits for the first.
            using var first = WriterLock.Acquire(folder, TimeSpan.FromSeconds(1), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Throws<InputException>(() => WriterLock.Acquire(folder, TimeSpan.FromMilliseconds(100), cancellationToken: TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
