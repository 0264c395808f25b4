using System.Collections.Concurrent;
using Simil.Collections;
using Simil.Embeddings;

namespace Simil.Server;

/// <summary>
/// The collections a server serves, by name (<c>docs/serve.md</c>): found once at start from the
/// given paths; each read takes a shared snapshot renewed when a write has landed; each write opens
/// the collection's writer (the folder's lock) for the request.
/// </summary>
public sealed class CollectionRegistry : IDisposable
{
    readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly Lock _changing = new();
    readonly ConcurrentDictionary<string, Lazy<LocalEmbeddingGenerator>> _models = new(StringComparer.OrdinalIgnoreCase);

    sealed class Entry(string path)
    {
        public string Path { get; } = path;
        public Lock Gate { get; } = new();
        public Snapshot? Current { get; set; }

        /// <summary>The same snapshot, for the lock-free path of <see cref="Read"/>.</summary>
        public Snapshot? Shared;

        public bool Removed { get; set; }
    }

    /// <summary>An open snapshot shared by the requests that use it; the last to let go closes it.</summary>
    public sealed class Snapshot : IDisposable
    {
        int _users = 1;

        internal Snapshot(Collection collection) => Collection = collection;

        /// <summary>The collection as of this snapshot.</summary>
        public Collection Collection { get; }

        internal Snapshot Take()
        {
            Interlocked.Increment(ref _users);
            return this;
        }

        /// <summary>Takes a share unless the last user has already let go (then it is closed, or closing).</summary>
        internal bool TryTake()
        {
            int users = Volatile.Read(ref _users);
            while (users > 0)
            {
                int seen = Interlocked.CompareExchange(ref _users, users + 1, users);
                if (seen == users)
                    return true;
                users = seen;
            }
            return false;
        }

        /// <summary>Lets go of it.</summary>
        public void Dispose()
        {
            if (Interlocked.Decrement(ref _users) == 0)
                Collection.Dispose();
        }
    }

    /// <summary>Finds the collections under <paramref name="paths"/>.</summary>
    /// <exception cref="InputException">A path is neither a collection, an index file nor a folder of them, or two give one name.</exception>
    public CollectionRegistry(IEnumerable<string> paths)
    {
        foreach (var given in paths)
        {
            string path = System.IO.Path.GetFullPath(given);
            if (Collection.IsCollection(path) || (File.Exists(path) && path.EndsWith(".simil", StringComparison.OrdinalIgnoreCase)))
                Add(path, given);
            else if (Directory.Exists(path))
            {
                // A plain folder: what it holds is served, and new collections are made in the first one.
                Home ??= path;
                foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                    if (!CollectionFolders.IsTemporary(System.IO.Path.GetFileName(child))
                        && (Collection.IsCollection(child) || (File.Exists(child) && child.EndsWith(".simil", StringComparison.OrdinalIgnoreCase))))
                        Add(child, given);
            }
            else
                throw new InputException(given, "no such collection, index file or folder");
        }
    }

    void Add(string path, string given)
    {
        string name = System.IO.Path.GetFileName(path.TrimEnd('/'));
        if (name.EndsWith(".simil", StringComparison.OrdinalIgnoreCase))
            name = name[..^".simil".Length];
        if (!IsValidName(name))
            throw new InputException(given, $"'{name}' cannot be served as a name: use letters, digits, '-', '_' and '.', not starting with '.'");
        if (!_entries.TryAdd(name, new Entry(path)))
            throw new InputException(given, $"gives the name '{name}' that {_entries[name].Path} gives too; serve one of them");
    }

    /// <summary>Letters, digits, '-', '_', '.', not starting with '.', at most 200 characters: no name can step out of a folder.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 200 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The folder new collections are made in: the first path given that is a plain folder (null when none was).</summary>
    public string? Home { get; }

    /// <summary>The names served, in order.</summary>
    public IEnumerable<string> Names => _entries.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>True when <paramref name="name"/> is served.</summary>
    public bool Contains(string name) => IsValidName(name) ? _entries.ContainsKey(name) : throw new InvalidNameException(name);

    /// <summary>Makes an empty collection <paramref name="name"/> in <see cref="Home"/> and serves it.</summary>
    /// <exception cref="NameTakenException">The name is served, or its folder exists.</exception>
    public void Create(string name, int dimensions, IndexBuildOptions build)
    {
        if (!IsValidName(name))
            throw new InvalidNameException(name);
        string home = Home ?? throw new InputException(name, "cannot be made: this server has no folder for new collections (serve one: simil serve FOLDER)");
        lock (_changing)
        {
            string path = System.IO.Path.Combine(home, name);
            if (_entries.ContainsKey(name) || System.IO.Path.Exists(path))
                throw new NameTakenException(name);
            CollectionFolders.CreateNew(path, dimensions, build);
            _entries[name] = new Entry(path);
        }
    }

    /// <summary>Stops serving <paramref name="name"/> and removes its collection folder (an index file is refused).</summary>
    public void Remove(string name)
    {
        lock (_changing)
        {
            var entry = Find(name);
            if (File.Exists(entry.Path))
                throw new InputException(name, "is an index file; the server removes only collection folders");
            CollectionFolders.Remove(entry.Path, TimeSpan.FromSeconds(30));
            _entries.TryRemove(name, out _);
            lock (entry.Gate)
            {
                entry.Removed = true;
                Volatile.Write(ref entry.Shared, null);
                entry.Current?.Dispose();
                entry.Current = null;
            }
        }
    }

    /// <summary>How many collections are served.</summary>
    public int Count => _entries.Count;

    Entry Find(string name) =>
        !IsValidName(name) ? throw new InvalidNameException(name)
        : _entries.TryGetValue(name, out var entry) && !entry.Removed ? entry
        : throw new NotServedException(name);

    /// <summary>A snapshot of <paramref name="name"/> to read (dispose it after); renewed when a write has landed.</summary>
    public Snapshot Read(string name)
    {
        var entry = Find(name);
        // Without the lock while the snapshot is current (every read asks; the check reads CURRENT's
        // few bytes, which under the lock made concurrent searches wait on each other's file reads).
        if (Volatile.Read(ref entry.Shared) is { } shared && shared.TryTake())
        {
            if (!entry.Removed && shared.Collection.IsCurrent())
                return shared;
            shared.Dispose();
        }
        lock (entry.Gate)
        {
            if (entry.Removed)
                throw new NotServedException(name);
            if (entry.Current is { } current && current.Collection.IsCurrent())
                return current.Take();
            entry.Current?.Dispose();
            entry.Current = new Snapshot(Collection.Open(entry.Path));
            Volatile.Write(ref entry.Shared, entry.Current);
            return entry.Current.Take();
        }
    }

    /// <summary>The writer of <paramref name="name"/> for one request (its lock held until disposed).</summary>
    /// <exception cref="InputException">An index file, which does not change.</exception>
    public CollectionWriter Write(string name)
    {
        var entry = Find(name);
        if (File.Exists(entry.Path))
            throw new InputException(name, "is an index file, which does not change; serve a collection folder to write");
        return CollectionWriter.Open(entry.Path, TimeSpan.FromSeconds(30));
    }

    /// <summary>The embedding model <paramref name="model"/> (the default when null), loaded once and shared.</summary>
    public LocalEmbeddingGenerator Model(string? model)
    {
        string name = model ?? EmbeddingModels.Default;
        _ = EmbeddingModels.Dimensions(name);   // an unknown model is bad input
        return _models.GetOrAdd(name, n => new Lazy<LocalEmbeddingGenerator>(() => EmbeddingModels.Create(n))).Value;
    }

    /// <summary>Closes every snapshot and model.</summary>
    public void Dispose()
    {
        foreach (var entry in _entries.Values)
            lock (entry.Gate)
                entry.Current?.Dispose();
        foreach (var model in _models.Values)
            if (model.IsValueCreated)
                model.Value.Dispose();
    }
}

/// <summary>A collection name in a URL that is not a name (404 never reveals whether a path exists: 400).</summary>
public sealed class InvalidNameException(string name)
    : Exception($"'{name}' is not a collection name: use letters, digits, '-', '_' and '.', not starting with '.'");

/// <summary>A name that is already served, or whose folder exists (409).</summary>
public sealed class NameTakenException(string name) : Exception($"a collection named '{name}' already exists");

/// <summary>A name that is not served (404).</summary>
public sealed class NotServedException(string name) : Exception($"no collection named '{name}' is served");
