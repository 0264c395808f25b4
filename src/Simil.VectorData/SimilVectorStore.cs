using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Simil.Embeddings;

namespace Simil.VectorData;

/// <summary>Settings of a <see cref="SimilVectorStore"/>.</summary>
public sealed class SimilVectorStoreOptions
{
    /// <summary>Embeds the inputs of vector properties that are not vectors (text, by default); the local all-MiniLM-L6-v2 when null, unless <see cref="LocalModelWhenNoGenerator"/> is false.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; init; }

    /// <summary>When no generator is given, embed texts with the local all-MiniLM-L6-v2 (true, the default) or not at all (false: a text search then throws, as other connectors do).</summary>
    public bool LocalModelWhenNoGenerator { get; init; } = true;

    /// <summary>
    /// Rows a collection's write-ahead log holds before they are written as a segment (made
    /// collections keep the value they were made with). A write that follows another writer's replays the log, so a short log
    /// keeps single-record writes fast; default 4,096.
    /// </summary>
    public int FlushRows { get; init; } = 4_096;

    /// <summary>How long a write waits for another writer of the same collection (in this process or another) before it fails; default 60 s.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// A Microsoft.Extensions.VectorData vector store whose collections persist in a directory as
/// Simil index files (<c>docs/vectordata.md</c>): code written against MEVD runs on Simil locally
/// and moves to another connector by changing the line that makes the store.
/// </summary>
public sealed class SimilVectorStore : VectorStore
{
    readonly string _directory;
    readonly IEmbeddingGenerator? _generator;
    readonly int _flushRows;
    readonly TimeSpan _lockWait;

    /// <summary>A store over <paramref name="directory"/> (created if missing).</summary>
    public SimilVectorStore(string directory, SimilVectorStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        _directory = Path.GetFullPath(directory);
        _generator = options?.EmbeddingGenerator ?? (options?.LocalModelWhenNoGenerator ?? true ? new MiniLmEmbeddingGenerator() : null);
        _flushRows = options?.FlushRows ?? 4_096;
        ArgumentOutOfRangeException.ThrowIfLessThan(_flushRows, 1);
        _lockWait = options?.LockWait ?? TimeSpan.FromSeconds(60);
    }

    static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.StartsWith('.') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"collection name '{name}': use letters, digits, '-', '_' and '.', not starting with '.'", nameof(name));
    }

    /// <inheritdoc />
    public override SimilCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        CheckName(name);
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
            throw new ArgumentException("use GetDynamicCollection for Dictionary<string, object?> records");
        var model = new SimilModelBuilder().Build(typeof(TRecord), typeof(TKey), definition, _generator);
        return new SimilCollection<TKey, TRecord>(_directory, name, model, _flushRows, _lockWait);
    }

    /// <inheritdoc />
    public override SimilCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(definition);
        var model = new SimilModelBuilder().BuildDynamic(definition, _generator);
        return new SimilCollection<object, Dictionary<string, object?>>(_directory, name, model, _flushRows, _lockWait);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var folder in Directory.EnumerateDirectories(_directory).Order(StringComparer.Ordinal))
            if (Exists(folder))
            {
                await Task.Yield();
                yield return Path.GetFileName(folder);
            }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        return Task.FromResult(Exists(Path.Combine(_directory, name)));
    }

    /// <summary>A collection's folder: its schema (or, in the first on-disk form, its manifest) is there.</summary>
    static bool Exists(string folder) => File.Exists(Path.Combine(folder, "schema.json")) || File.Exists(Path.Combine(folder, "manifest.json"));

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        var folder = Path.Combine(_directory, name);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? new VectorStoreMetadata { VectorStoreSystemName = "simil", VectorStoreName = _directory }
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}
