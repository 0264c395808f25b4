namespace Simil.Collections;

/// <summary>
/// The one writer of a collection, across threads and processes: an exclusive OS lock on the
/// collection's <c>LOCK</c> file (.NET's <see cref="FileShare.None"/>: <c>flock</c> on Unix, a
/// share-none open on Windows), held until disposed. Readers never take it.
/// </summary>
public sealed class WriterLock : IDisposable
{
    /// <summary>The lock file's name inside a collection folder.</summary>
    public const string FileName = "LOCK";

    readonly FileStream _file;

    WriterLock(FileStream file) => _file = file;

    /// <summary>
    /// Takes the lock of <paramref name="folder"/>, waiting up to <paramref name="timeout"/> for
    /// another writer to finish; <paramref name="waiting"/> is called once if the wait passes one second.
    /// </summary>
    /// <exception cref="InputException">Another writer kept the lock for the whole timeout.</exception>
    public static WriterLock Acquire(string folder, TimeSpan timeout, Action? waiting = null, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(folder, FileName);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                return new WriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held by another writer: wait for it.
            }
            if (!told && clock.Elapsed > TimeSpan.FromSeconds(1))
            {
                waiting?.Invoke();
                told = true;
            }
            if (clock.Elapsed >= timeout)
                throw new InputException(folder, $"another writer has held the collection's lock for {timeout.TotalSeconds:0} s; try again when it has finished");
            cancellationToken.WaitHandle.WaitOne(20);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();
}
