using System.Runtime.InteropServices;

namespace Simil.IO;

/// <summary>
/// Makes the entries of a folder durable: a file renamed into a folder survives a power loss only
/// once the folder itself is flushed. On Unix that is <c>fsync</c> on the folder opened read-only
/// (P/Invoke: .NET has no API for it); Windows has no equivalent and needs none (NTFS journals the
/// rename with the file's metadata).
/// </summary>
static partial class DirectorySync
{
    /// <summary>Flushes <paramref name="folder"/>'s entries to the disk.</summary>
    /// <exception cref="IOException">The folder cannot be opened or flushed (the system's reason).</exception>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
            return;
        int fd = Open(folder, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"{folder}: cannot open the folder to flush it ({Marshal.GetLastPInvokeErrorMessage()})");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"{folder}: cannot flush the folder to the disk ({Marshal.GetLastPInvokeErrorMessage()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
