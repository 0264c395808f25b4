using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Simil.Collections;
using Simil.Filters;
using Simil.Search;

namespace Simil.VectorData;

/// <summary>
/// A collection of records in a <see cref="SimilVectorStore"/>'s directory (<c>docs/vectordata.md</c>):
/// a Simil collection (segments, deletion bitmaps, write-ahead log, manifest) with one row per
/// record. A write takes the collection's writer lock (one writer across objects and processes),
/// appends one log record and returns once it is durable; nothing is rewritten. Reads use a
/// snapshot kept open (vectors stay in the mapped segments, never copied) and renewed when another
/// write has landed. Searches run inside the collection's index: filters (MEVD LINQ, translated to
/// <see cref="Filter"/>) and records without the vector are excluded during the HNSW walk or scan.
/// </summary>
/// <typeparam name="TKey">Guid, string, int, long or ulong (object for a dynamic collection).</typeparam>
/// <typeparam name="TRecord">The record type (a dictionary for a dynamic collection).</typeparam>
public class SimilCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    readonly CollectionModel _model;
    readonly CollectionSchema _schema;
    readonly LegacyCollectionFiles _legacy;
    readonly int _flushRows;
    readonly TimeSpan _lockWait;
    readonly Lock _gate = new();
    Snapshot? _snapshot;
    Collection? _writerState;
    Type? _keyType;

    internal SimilCollection(string directory, string name, CollectionModel model, int flushRows, TimeSpan lockWait)
    {
        Name = name;
        _model = model;
        foreach (var vector in model.VectorProperties)
        {
            _ = Scoring.MetricOf(vector.DistanceFunction ?? DistanceFunction.CosineSimilarity);
            if (vector.IndexKind is not (null or IndexKind.Flat or IndexKind.Hnsw))
                throw new NotSupportedException($"index kind '{vector.IndexKind}' of '{vector.ModelName}' is not supported by Simil collections; supported: {IndexKind.Flat}, {IndexKind.Hnsw}");
            if (vector.IndexKind == IndexKind.Hnsw && vector.DistanceFunction is DistanceFunction.ManhattanDistance or DistanceFunction.HammingDistance)
                throw new NotSupportedException($"an {IndexKind.Hnsw} index ranks by cosine, dot product or Euclidean distance; '{vector.ModelName}' asks for {vector.DistanceFunction}: use {IndexKind.Flat}");
        }
        string folder = Path.Combine(directory, name);
        _schema = new CollectionSchema(folder, model);
        _legacy = new LegacyCollectionFiles(folder, model);
        _flushRows = flushRows;
        _lockWait = lockWait;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>The folder of the Simil collection that holds the records (<c>simil index info</c>, <c>simil search</c> read it too).</summary>
    public string RowsFolder => _schema.RowsFolder;

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_schema.Exists || _legacy.Exists);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            DropSnapshot();
            if (_schema.Exists)
                _keyType = _schema.Check();
            else if (_legacy.Exists)
                MoveLegacy();
            else
            {
                try
                {
                    _schema.Create(_flushRows);
                }
                catch (InputException) when (_schema.Exists)
                {
                    // Another process made it between our look and our create.
                }
                _keyType = _schema.Check();
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Moves a collection written in the first on-disk form (format 1: manifest, records and index
    /// files rewritten on every write) into the collection layout once: the records are read and
    /// written as one batch into the new rows, the schema lands after them, and only then are the old
    /// files removed. A crash before the schema lands leaves the old files, and the move runs again.
    /// </summary>
    void MoveLegacy()
    {
        var (rows, indexes, _) = _legacy.Read();
        foreach (var index in indexes)
            index.Dispose();
        if (rows.Any(r => r.Vectors.Any(v => v is null)))
            MarkNullVectors();
        _schema.Create(_flushRows, [.. rows.Select(r => _schema.Row(r.Key, r.Data, r.Vectors))], _lockWait);
        _keyType = _schema.Check();
        _legacy.RemoveFiles();
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            DropSnapshot();
            if (Directory.Exists(_schema.Folder))
                Directory.Delete(_schema.Folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// An open snapshot, shared by the reads that use it: the last one to let go closes its maps, so a
    /// newer snapshot can replace it while a search still runs on it.
    /// </summary>
    sealed class Snapshot(Collection collection, bool nullVectors)
    {
        int _users = 1;   // the collection object's own hold, until a newer snapshot replaces it

        public Collection Collection { get; } = collection;

        /// <summary>Some record lacks a vector: searches then exclude such rows by a filter.</summary>
        public bool NullVectors { get; } = nullVectors;

        public Snapshot Take()
        {
            Interlocked.Increment(ref _users);
            return this;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _users) == 0)
                Collection.Dispose();
        }
    }

    string NullVectorsMark => Path.Combine(_schema.Folder, "null-vectors");

    /// <summary>Notes, before the write that brings the first record without a vector lands, that searches must exclude such rows.</summary>
    void MarkNullVectors()
    {
        if (!File.Exists(NullVectorsMark))
            Simil.IO.AtomicFile.Write(NullVectorsMark, _ => { });
    }

    void DropSnapshot()
    {
        _snapshot?.Release();
        _snapshot = null;
        Interlocked.Exchange(ref _writerState, null)?.Dispose();
    }

    /// <summary>
    /// The current snapshot, taken for one read (release it after): opened on first use and again
    /// whenever a write (by this object, another, or another process) has landed since. A collection
    /// that does not exist is an error, as MEVD connectors report it.
    /// </summary>
    Snapshot Take()
    {
        lock (_gate)
        {
            if (_snapshot is not null && _snapshot.Collection.IsCurrent())
                return _snapshot.Take();
            DropSnapshot();
            if (!_schema.Exists)
            {
                if (!_legacy.Exists)
                    throw new VectorStoreException($"collection '{Name}' does not exist; call EnsureCollectionExistsAsync first");
                MoveLegacy();
            }
            _keyType ??= _schema.Check();
            var collection = Collection.Open(_schema.RowsFolder);
            _snapshot = new Snapshot(collection, File.Exists(NullVectorsMark));
            return _snapshot.Take();
        }
    }

    T Read<T>(Func<Snapshot, T> read)
    {
        var snapshot = Take();
        try
        {
            return read(snapshot);
        }
        finally
        {
            snapshot.Release();
        }
    }

    /// <summary>Runs <paramref name="write"/> holding the collection's writer lock (waiting for another writer, in this process or another).</summary>
    void Write(Action<CollectionWriter> write)
    {
        if (!_schema.Exists && !_legacy.Exists)
            throw new VectorStoreException($"collection '{Name}' does not exist; call EnsureCollectionExistsAsync first");
        if (!_schema.Exists)
            Read(_ => 0);   // moves the legacy files first
        _keyType ??= _schema.Check();
        try
        {
            // The state the last write of this object left, if no other writer has written since:
            // then a write costs its own append, not a replay of the log.
            var previous = Interlocked.Exchange(ref _writerState, null);
            var writer = CollectionWriter.Open(_schema.RowsFolder, _lockWait, null, previous);
            try
            {
                write(writer);
            }
            catch
            {
                writer.Dispose();
                throw;
            }
            Interlocked.Exchange(ref _writerState, writer.Detach())?.Dispose();
        }
        catch (InputException e)
        {
            // The lock waited out, or a file of the collection is damaged: the store's own exception, the file named.
            throw new VectorStoreException($"collection '{Name}': {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        bool vectors = options?.IncludeVectors ?? false;
        CheckIncludeVectors(vectors);
        return Task.FromResult(Read(s => s.Collection.Get(CollectionSchema.Id(key)) is { } row ? Materialize(row.Metadata!, row.Vector, vectors) : null));
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        bool vectors = options?.IncludeVectors ?? false;
        CheckIncludeVectors(vectors);
        var found = Read(s => keys.Select(k => s.Collection.Get(CollectionSchema.Id(k)))
            .Where(r => r is not null).Select(r => Materialize(r!.Metadata!, r.Vector, vectors)).ToList());
        foreach (var record in found)
        {
            await Task.Yield();
            yield return record;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        CheckIncludeVectors(options.IncludeVectors);
        var condition = FilterTranslator.Translate(filter, _model);
        IEnumerable<TRecord> ordered;
        if (options.OrderBy?.Invoke(new()).Values is { Count: > 0 } sorts)
        {
            IEnumerable<TRecord> matched = Read(s => s.Collection.Rows(condition).Select(r => Materialize(r.Metadata!, r.Vector, options.IncludeVectors)).ToList());
            IOrderedEnumerable<TRecord>? sorted = null;
            foreach (var sort in sorts)
            {
                var selector = sort.PropertySelector.Compile();
                sorted = sorted is null
                    ? (sort.Ascending ? matched.OrderBy(selector) : matched.OrderByDescending(selector))
                    : (sort.Ascending ? sorted.ThenBy(selector) : sorted.ThenByDescending(selector));
            }
            ordered = sorted!.Skip(options.Skip).Take(top);
        }
        else
            ordered = Read(s => s.Collection.Rows(condition).Skip(options.Skip).Take(top).Select(r => Materialize(r.Metadata!, r.Vector, options.IncludeVectors)).ToList());
        foreach (var record in ordered)
        {
            await Task.Yield();
            yield return record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var ids = keys.Select(k => CollectionSchema.Id(k)).ToList();
        if (ids.Count > 0)
            Write(writer => writer.Delete(ids));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.ToList();
        if (list.Count == 0)
            return;
        // Embeddings are generated outside the lock: a model may take a while.
        var generated = new float[]?[_model.VectorProperties.Count][];
        for (int v = 0; v < _model.VectorProperties.Count; v++)
        {
            var property = _model.VectorProperties[v];
            if (SimilModelBuilder.IsNative(property.Type, out _))
                continue;
            var inputs = list.Select(property.GetValueAsObject).ToList();
            var present = inputs.Select((value, i) => (value, i)).Where(x => x.value is not null).ToList();
            var embeddings = await property.GenerateEmbeddingsAsync(present.Select(x => x.value!), cancellationToken).ConfigureAwait(false);
            generated[v] = new float[]?[list.Count];
            for (int j = 0; j < present.Count; j++)
                generated[v][present[j].i] = ((Embedding<float>)embeddings[j]).Vector.ToArray();
        }
        // One row per key, the last record of a key winning, as a database's successive upserts would.
        var rows = new Dictionary<string, CollectionRow>(StringComparer.Ordinal);
        bool nullVectors = false;
        for (int i = 0; i < list.Count; i++)
        {
            var record = list[i];
            ArgumentNullException.ThrowIfNull(record);
            var keyProperty = _model.KeyProperty;
            object? key = keyProperty.GetValueAsObject(record);
            if (keyProperty.IsAutoGenerated && (key is null || (key is Guid g && g == Guid.Empty)))
            {
                key = Guid.NewGuid();
                keyProperty.SetValueAsObject(record, key);
            }
            if (key is null)
                throw new ArgumentException($"record {i} has no key ('{keyProperty.ModelName}')", nameof(records));
            var vectors = _model.VectorProperties.Select((p, v) => generated[v] is { } made ? made[i] : VectorOf(p, p.GetValueAsObject(record))).ToArray();
            nullVectors |= vectors.Any(v => v is null);
            var row = _schema.Row(key, [.. _model.DataProperties.Select(p => p.GetValueAsObject(record))], vectors);
            rows.Remove(row.Id);
            rows[row.Id] = row;
        }
        Write(writer =>
        {
            if (nullVectors && _model.VectorProperties.Count > 0)
                MarkNullVectors();
            writer.Upsert([.. rows.Values]);
        });
    }

    static float[]? VectorOf(VectorPropertyModel property, object? value)
    {
        var vector = value switch
        {
            null => null,
            ReadOnlyMemory<float> m => m.ToArray(),
            Embedding<float> e => e.Vector.ToArray(),
            float[] a => (float[])a.Clone(),
            _ => throw new NotSupportedException($"property '{property.ModelName}' holds {value.GetType().Name}; Simil stores {SimilModelBuilder.SupportedVectorTypes}"),
        };
        if (vector is not null && vector.Length != property.Dimensions)
            throw new ArgumentException($"property '{property.ModelName}' has {vector.Length} dimensions but the collection's vectors have {property.Dimensions}");
        return vector;
    }

    void CheckIncludeVectors(bool include)
    {
        if (include && _model.EmbeddingGenerationRequired)
            throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration);
    }

    /// <summary>A record from a row's metadata (key and data) and, when asked, its vectors (the row's slices, null where it lacks one).</summary>
    TRecord Materialize(string metadata, float[] vector, bool includeVectors)
    {
        var (key, data, nulls) = _schema.Fields(metadata, _keyType!);
        var record = _model.CreateRecord<TRecord>();
        _model.KeyProperty.SetValueAsObject(record, key);
        for (int d = 0; d < _model.DataProperties.Count; d++)
            _model.DataProperties[d].SetValueAsObject(record, data[d]);
        if (includeVectors)
            for (int v = 0; v < _model.VectorProperties.Count; v++)
            {
                var property = _model.VectorProperties[v];
                float[]? values = nulls.Contains(v) ? null : vector.AsSpan(_schema.Offsets[v], property.Dimensions).ToArray();
                object? value = values is null ? null
                    : property.Type == typeof(float[]) ? values
                    : property.Type == typeof(Embedding<float>) ? new Embedding<float>(values)
                    : new ReadOnlyMemory<float>(values);
                property.SetValueAsObject(record, value);
            }
        return record;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top,
        VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        CheckIncludeVectors(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(options);
        int v = _model.VectorProperties.ToList().IndexOf(property);
        float[] query = searchValue switch
        {
            ReadOnlyMemory<float> m => m.ToArray(),
            float[] a => a,
            Embedding<float> e => e.Vector.ToArray(),
            _ when property.EmbeddingGenerationDispatcher is not null
                => ((Embedding<float>)await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false)).Vector.ToArray(),
            _ => property.EmbeddingGenerator is null
                ? throw new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(searchValue.GetType(), SimilModelBuilder.SupportedVectorTypes))
                : throw new InvalidOperationException(VectorDataStrings.IncompatibleEmbeddingGeneratorWasConfiguredForInputType(typeof(TInput), property.EmbeddingGenerator.GetType())),
        };
        if (query.Length != property.Dimensions)
            throw new ArgumentException($"the query has {query.Length} dimensions but '{property.ModelName}' has {property.Dimensions}");
        var condition = options.Filter is null ? null : FilterTranslator.Translate(options.Filter, _model);
        string distance = property.DistanceFunction ?? DistanceFunction.CosineSimilarity;
        bool higher = Scoring.HigherIsCloser(distance);
        var page = Read(snapshot =>
        {
            int wanted = (int)Math.Min((long)top + options.Skip, snapshot.Collection.Count);
            if (wanted == 0)
                return new List<(TRecord, float)>();
            // Rows without this vector are refused inside the search, like filtered-out ones.
            var allowed = snapshot.NullVectors ? Filter.Not(Filter.Eq(CollectionSchema.NullVectors, v)) : null;
            var filter = allowed is null ? condition : condition is null ? allowed : Filter.And(condition, allowed);
            IEnumerable<(string Metadata, float[] Vector, float Score)> ranked;
            if (_schema.Native)
            {
                // The collection's own index: HNSW (ef at least 64 and top + Skip) or the flat scan; its scores are MEVD's.
                ranked = snapshot.Collection.Search(query, wanted, filter, ef: Math.Max(HnswIndex.DefaultEf, wanted))
                    .Select(h => (h.Metadata!, options.IncludeVectors ? snapshot.Collection.Get(h.Id)!.Vector : [], h.Score));
            }
            else
                ranked = Scan(snapshot.Collection, query, v, distance, filter, wanted);
            if (options.ScoreThreshold is double threshold)
                ranked = ranked.Where(r => higher ? r.Score >= threshold : r.Score <= threshold);
            return ranked.Skip(options.Skip).Select(r => (Materialize(r.Metadata, r.Vector, options.IncludeVectors), r.Score)).ToList();
        });
        foreach (var (record, score) in page)
            yield return new VectorSearchResult<TRecord>(record, score);
    }

    /// <summary>
    /// Every allowed row scored on property <paramref name="v"/>'s slice (a model with several vector
    /// properties, or Hamming distance): Simil's kernel (or the Hamming count), a top-k heap, best first.
    /// </summary>
    (string Metadata, float[] Vector, float Score)[] Scan(Collection collection, float[] query, int v, string distance, Filter? filter, int wanted)
    {
        var metric = Scoring.MetricOf(distance);
        bool hamming = distance == DistanceFunction.HammingDistance;
        int offset = _schema.Offsets[v];
        var heap = new TopK(wanted, Scoring.HigherIsCloser(distance));
        int at = 0;
        foreach (var row in collection.Rows(filter))
            heap.Add(Scoring.Score(metric, hamming, query, row.Vector.AsSpan(offset, query.Length)), at++);
        // A second pass over the same rows (a snapshot does not change) fetches the winners' metadata.
        var best = heap.ToSortedArray();
        var winners = best.Select((n, rank) => (n.Index, rank)).ToDictionary(x => x.Index, x => x.rank);
        var found = new (string Metadata, float[] Vector, float Score)[best.Length];
        at = 0;
        foreach (var row in collection.Rows(filter))
            if (winners.TryGetValue(at++, out int rank))
                found[rank] = (row.Metadata!, row.Vector, best[rank].Score);
        return [.. found];
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { VectorStoreSystemName = "simil", CollectionName = Name }
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}

/// <summary>One record as the first on-disk form stored it: its key, data values by data property, vectors by vector property (null where the record has none).</summary>
sealed record StoredRecord(object Key, object?[] Data, float[]?[] Vectors);
