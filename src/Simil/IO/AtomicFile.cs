namespace Simil.IO;

/// <summary>
/// Writes a file so that no failure or kill loses data: into a temporary file beside the target,
/// named for this writer alone, flushed to the disk, then moved over the target. Until the move the
/// old file is intact; after it the new one is complete.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> (replacing it) with what <paramref name="write"/> puts into the stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        WriteFile(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>
    /// Writes <paramref name="path"/> through a library that takes a file name: <paramref name="save"/>
    /// writes the temporary path it is given, which is then flushed to the disk and moved into place.
    /// </summary>
    public static void WriteFile(string path, Action<string> save)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(save);
        // The extension stays last: some writers choose the format from it.
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}{Path.GetExtension(full)}");
        try
        {
            save(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                stream.Flush(flushToDisk: true);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }
}
