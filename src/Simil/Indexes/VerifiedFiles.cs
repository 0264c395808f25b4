using System.Globalization;
using Simil.IO;

namespace Simil.Indexes;

/// <summary>
/// The index files whose every checksum was checked (or which this program wrote), by identity:
/// full path, length, modification time (to the tick) and header checksum, which covers every
/// section's checksum (<c>docs/index-format.md</c>, "When checksums are checked"). Kept as lines of
/// text in <c>verified-indexes</c> under the cache folder, at most <see cref="Limit"/>, newest last,
/// written atomically. Any failure to read or write the record only means verifying again.
/// </summary>
static class VerifiedFiles
{
    /// <summary>Files remembered; the oldest are forgotten first.</summary>
    public const int Limit = 256;

    /// <summary><c>SIMIL_CACHE</c>, else <c>$XDG_CACHE_HOME/simil</c>, else <c>~/.cache/simil</c>.</summary>
    public static string CacheFolder =>
        Environment.GetEnvironmentVariable("SIMIL_CACHE") is { Length: > 0 } cache ? cache
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "simil")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "simil");

    static string RecordPath => Path.Combine(CacheFolder, "verified-indexes");

    /// <summary>A file's identity: its full path, and the record line that also holds its length, time and header checksum.</summary>
    public readonly record struct FileIdentity(string FullPath, string Line);

    /// <summary>The identity of the file at <paramref name="path"/> with this header checksum, or null when it cannot be read.</summary>
    public static FileIdentity? Identity(string path, ulong headerChecksum)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return null;
            return new FileIdentity(info.FullName, string.Create(CultureInfo.InvariantCulture,
                $"{info.Length} {info.LastWriteTimeUtc.Ticks} {headerChecksum:x16} {info.FullName}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether a file of this identity was verified (or written) before.</summary>
    public static bool Contains(FileIdentity identity)
    {
        try
        {
            return File.Exists(RecordPath) && File.ReadLines(RecordPath).Contains(identity.Line, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Remembers this identity (and forgets the oldest past <see cref="Limit"/>); failures are ignored.</summary>
    public static void Add(FileIdentity identity)
    {
        try
        {
            var lines = File.Exists(RecordPath) ? File.ReadAllLines(RecordPath).ToList() : [];
            // One line per path: a rewritten file replaces its old identity.
            lines.RemoveAll(line => line.EndsWith(" " + identity.FullPath, StringComparison.Ordinal));
            lines.Add(identity.Line);
            if (lines.Count > Limit)
                lines.RemoveRange(0, lines.Count - Limit);
            Directory.CreateDirectory(CacheFolder);
            AtomicFile.Write(RecordPath, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                foreach (var line in lines)
                    writer.Write(line + "\n");
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not remembering costs one more verification, nothing else.
        }
    }
}
