using Simil.IO;

namespace Simil.Collections;

/// <summary>
/// A collection made or removed as a whole, never seen half done: made in a hidden sibling folder
/// and renamed into place; removed by renaming it aside (under its writer's lock) and then deleting
/// it. Readers that have the removed collection open keep reading their open files (Unix).
/// </summary>
public static class CollectionFolders
{
    const string Aside = ".simil-";

    /// <summary>
    /// Makes an empty collection at <paramref name="folder"/>, which must not exist: either the whole
    /// collection appears there or nothing does.
    /// </summary>
    /// <exception cref="InputException"><paramref name="folder"/> exists.</exception>
    /// <exception cref="InvalidSettingException">A build setting is out of range.</exception>
    public static void CreateNew(string folder, int dimensions, IndexBuildOptions build, string? model = null, int flushRows = 20_000)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder = Path.GetFullPath(folder.TrimEnd('/'));
        ArgumentNullException.ThrowIfNull(build);
        build.Check(dimensions);
        if (Path.Exists(folder))
            throw new InputException(folder, "already exists");
        string parent = Path.GetDirectoryName(folder)!;
        string temporary = Path.Combine(parent, $"{Aside}new-{Guid.NewGuid():N}");
        try
        {
            CollectionWriter.Create(temporary, dimensions, build, model, flushRows);
            try
            {
                Directory.Move(temporary, folder);
            }
            catch (IOException) when (Path.Exists(folder))
            {
                throw new InputException(folder, "already exists");
            }
            DirectorySync.Flush(parent);
        }
        finally
        {
            if (Directory.Exists(temporary))
                Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>
    /// Removes the collection at <paramref name="folder"/>: waits for its writer's lock (up to
    /// <paramref name="wait"/>), renames the folder aside (from then on the name is free and no one
    /// opens the collection), flushes the parent, and deletes the files.
    /// </summary>
    /// <exception cref="InputException"><paramref name="folder"/> is not a collection.</exception>
    public static void Remove(string folder, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(folder);
        folder = Path.GetFullPath(folder.TrimEnd('/'));
        if (!Collection.IsCollection(folder))
            throw new InputException(folder, File.Exists(folder) ? "is an index file, not a collection folder" : "is not a collection");
        string parent = Path.GetDirectoryName(folder)!;
        string aside = Path.Combine(parent, $"{Aside}removed-{Guid.NewGuid():N}");
        using (WriterLock.Acquire(folder, wait))
            Directory.Move(folder, aside);
        DirectorySync.Flush(parent);
        Directory.Delete(aside, recursive: true);
    }

    /// <summary>True for a folder name that <see cref="CreateNew"/> or <see cref="Remove"/> uses for a while (never a collection to list).</summary>
    public static bool IsTemporary(string name) => name.StartsWith(Aside, StringComparison.Ordinal);
}
