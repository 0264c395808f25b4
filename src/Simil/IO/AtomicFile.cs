namespace Simil.IO;

/// <summary>
/// Writes a file so that no failure or kill loses data: into a temporary file beside the target,
/// named for this writer alone, flushed to the disk, then moved over the target, and the folder
/// flushed so that the move survives a power loss. Until the move the old file is intact; after it
/// the new one is complete.
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
        var folder = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(folder, $"{TemporaryPrefix(full)}{Environment.ProcessId}-{Guid.NewGuid():N}{Path.GetExtension(full)}");
        try
        {
            save(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                stream.Flush(flushToDisk: true);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException || IsNoRoom(e) || (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException))
        {
            // A full disk, a quota, a size limit, a read-only folder: one line naming the file; the old file is untouched.
            throw new InputException(path, $"cannot be written ({Reason(e)}); {(File.Exists(full) ? "the old file is unchanged" : "nothing was written")}");
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
        // The rename is durable once the folder is (outside the catch above: the new file is in place by now).
        DirectorySync.Flush(folder);
        RemoveAbandoned(full);
    }

    static string TemporaryPrefix(string full) => $".{Path.GetFileName(full)}.tmp-";

    /// <summary>
    /// The runtime's report of EFBIG (a file the file system, or the process's file size limit, will
    /// not let grow): an <see cref="ArgumentOutOfRangeException"/> for parameter <c>value</c> from a
    /// write, where ENOSPC and EDQUOT are <see cref="IOException"/>s.
    /// </summary>
    public static bool IsNoRoom(Exception e) => e is ArgumentOutOfRangeException { ParamName: "value" } && e.StackTrace?.Contains("System.IO", StringComparison.Ordinal) != false;

    /// <summary>A write failure's reason in a few words, without the path the message repeats.</summary>
    public static string Reason(Exception e) =>
        IsNoRoom(e) ? "the file system will not let the file grow: a size limit or a full disk" : e.Message.Split(" : ")[0].TrimEnd('.');

    /// <summary>
    /// Deletes temporary files of earlier writes of <paramref name="full"/> whose writer is gone (a
    /// killed process cannot clean up after itself); a live writer's file is left alone.
    /// </summary>
    static void RemoveAbandoned(string full)
    {
        var prefix = TemporaryPrefix(full);
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, prefix + "*"))
            {
                var rest = Path.GetFileName(file).AsSpan(prefix.Length);
                int dash = rest.IndexOf('-');
                if (dash > 0 && int.TryParse(rest[..dash], out int pid) && !IsRunning(pid))
                    File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up is a courtesy: the write itself has succeeded.
        }
    }

    static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
