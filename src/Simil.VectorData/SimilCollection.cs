using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Simil.Search;

namespace Simil.VectorData;

/// <summary>
/// A collection of records in a <see cref="SimilVectorStore"/>'s directory (<c>docs/vectordata.md</c>):
/// records held in memory, every write persisted as a new generation of files (manifest last,
/// atomic), vector search by Simil's kernels with a top-k heap (or the HNSW index file where the
/// property asks for it and no filter applies).
/// </summary>
/// <typeparam name="TKey">Guid, string, int or long (object for a dynamic collection).</typeparam>
/// <typeparam name="TRecord">The record type (a dictionary for a dynamic collection).</typeparam>
public class SimilCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    readonly CollectionModel _model;
    readonly CollectionFiles _files;
    readonly Lock _gate = new();
    List<StoredRecord>? _rows;
    Dictionary<object, int>? _byKey;
    VectorIndex[]? _indexes;

    readonly HashSet<string> _propertyNames;

    internal SimilCollection(string directory, string name, CollectionModel model)
    {
        Name = name;
        _model = model;
        _propertyNames = [.. model.Properties.Select(p => p.ModelName)];
        foreach (var vector in model.VectorProperties)
        {
            _ = Scoring.MetricOf(vector.DistanceFunction ?? DistanceFunction.CosineSimilarity);
            if (vector.IndexKind is not (null or IndexKind.Flat or IndexKind.Hnsw))
                throw new NotSupportedException($"index kind '{vector.IndexKind}' of '{vector.ModelName}' is not supported by Simil collections; supported: {IndexKind.Flat}, {IndexKind.Hnsw}");
            if (vector.IndexKind == IndexKind.Hnsw && vector.DistanceFunction is DistanceFunction.ManhattanDistance or DistanceFunction.HammingDistance)
                throw new NotSupportedException($"an {IndexKind.Hnsw} index ranks by cosine, dot product or Euclidean distance; '{vector.ModelName}' asks for {vector.DistanceFunction}: use {IndexKind.Flat}");
        }
        _files = new CollectionFiles(Path.Combine(directory, name), model);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_files.Exists);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_files.Exists)
            {
                ReleaseIndexes(_indexes);
                Load();
            }
            else
            {
                _rows = [];
                _byKey = [];
                Persist();
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ReleaseIndexes(_indexes);
            _files.Delete();
            _rows = null;
            _byKey = null;
            _indexes = null;
        }
        return Task.CompletedTask;
    }

    /// <summary>The records, loaded from the files on first use; a collection that does not exist is an error, as MEVD connectors report it.</summary>
    /// <summary>
    /// The records, loaded from the files on first use and again whenever the manifest names another
    /// generation than the one read (another collection object, or another process, wrote since); a
    /// collection that does not exist is an error, as MEVD connectors report it.
    /// </summary>
    List<StoredRecord> Rows()
    {
        int current = _files.CurrentGeneration;
        if (current == 0)
            throw new VectorStoreException($"collection '{Name}' does not exist; call EnsureCollectionExistsAsync first");
        if (_rows is null || current != _generation)
        {
            ReleaseIndexes(_indexes);
            Load();
        }
        return _rows!;
    }

    int _generation;

    void Load()
    {
        var (rows, indexes, generation) = _files.Read();
        _rows = rows;
        _indexes = indexes;
        _generation = generation;
        CountNullVectors();
        _byKey = new Dictionary<object, int>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
            _byKey[rows[i].Key] = i;
    }

    void Persist()
    {
        var previous = _indexes;
        (_indexes, _generation) = _files.Write(_rows!);
        CountNullVectors();
        ReleaseIndexes(previous);
    }

    /// <summary>Rows without a vector, per vector property: where there are none, the property's index answers unfiltered searches.</summary>
    int[]? _nullVectors;

    void CountNullVectors()
    {
        var counts = new int[_model.VectorProperties.Count];
        foreach (var row in _rows!)
            for (int v = 0; v < counts.Length; v++)
                if (row.Vectors[v] is null)
                    counts[v]++;
        _nullVectors = counts;
    }

    /// <summary>Releases the maps of indexes read from an earlier generation's files.</summary>
    static void ReleaseIndexes(VectorIndex[]? indexes)
    {
        foreach (var index in indexes ?? [])
            index.Dispose();
    }

    /// <inheritdoc />
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        bool vectors = options?.IncludeVectors ?? false;
        CheckIncludeVectors(vectors);
        lock (_gate)
        {
            var rows = Rows();
            return Task.FromResult(_byKey!.TryGetValue(key, out int at) ? Materialize(rows[at], vectors) : null);
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
            if (await GetAsync(key, options, cancellationToken).ConfigureAwait(false) is { } record)
                yield return record;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        CheckIncludeVectors(options.IncludeVectors);
        var predicate = Filters.Compile(filter, _propertyNames);
        List<TRecord> matched;
        lock (_gate)
            matched = [.. Rows().Select(r => Materialize(r, options.IncludeVectors)).Where(predicate)];
        IEnumerable<TRecord> ordered = matched;
        if (options.OrderBy?.Invoke(new()).Values is { Count: > 0 } sorts)
        {
            IOrderedEnumerable<TRecord>? sorted = null;
            foreach (var sort in sorts)
            {
                var selector = sort.PropertySelector.Compile();
                sorted = sorted is null
                    ? (sort.Ascending ? ordered.OrderBy(selector) : ordered.OrderByDescending(selector))
                    : (sort.Ascending ? sorted.ThenBy(selector) : sorted.ThenByDescending(selector));
            }
            ordered = sorted!;
        }
        foreach (var record in ordered.Skip(options.Skip).Take(top))
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
        lock (_gate)
        {
            var rows = Rows();
            var gone = keys.Select(k => (object)k).Where(_byKey!.ContainsKey).ToHashSet();
            if (gone.Count == 0)
                return Task.CompletedTask;
            rows.RemoveAll(r => gone.Contains(r.Key));
            _byKey!.Clear();
            for (int i = 0; i < rows.Count; i++)
                _byKey[rows[i].Key] = i;
            Persist();
        }
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
        lock (_gate)
        {
            var rows = Rows();
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
                var stored = new StoredRecord(key,
                    [.. _model.DataProperties.Select(p => p.GetValueAsObject(record))],
                    [.. _model.VectorProperties.Select((p, v) => generated[v] is { } g ? g[i] : VectorOf(p, p.GetValueAsObject(record)))]);
                if (_byKey!.TryGetValue(key, out int at))
                    rows[at] = stored;
                else
                {
                    _byKey[key] = rows.Count;
                    rows.Add(stored);
                }
            }
            Persist();
        }
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

    TRecord Materialize(StoredRecord row, bool includeVectors)
    {
        var record = _model.CreateRecord<TRecord>();
        _model.KeyProperty.SetValueAsObject(record, row.Key);
        for (int d = 0; d < _model.DataProperties.Count; d++)
            _model.DataProperties[d].SetValueAsObject(record, row.Data[d]);
        if (includeVectors)
            for (int v = 0; v < _model.VectorProperties.Count; v++)
            {
                var property = _model.VectorProperties[v];
                var vector = row.Vectors[v];
                object? value = vector is null ? null
                    : property.Type == typeof(float[]) ? vector.Clone()
                    : property.Type == typeof(Embedding<float>) ? new Embedding<float>(vector.ToArray())
                    : new ReadOnlyMemory<float>(vector.ToArray());
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
        var predicate = options.Filter is null ? null : Filters.Compile(options.Filter, _propertyNames);
        string distance = property.DistanceFunction ?? DistanceFunction.CosineSimilarity;
        var metric = Scoring.MetricOf(distance);
        bool hamming = distance == DistanceFunction.HammingDistance;
        bool higher = Scoring.HigherIsCloser(distance);
        List<(TRecord Record, float Score)> page;
        lock (_gate)
        {
            var rows = Rows();
            int wanted = top + options.Skip;
            var heap = new TopK(Math.Min(wanted, rows.Count), higher);
            // With nothing to filter, the property's index answers: the flat kind's exact scan (all cores,
            // top-k heap) or the HNSW graph. Its scores are the metric's, which are MEVD's for every
            // distance function but Hamming.
            var index = _indexes?[v];
            if (index is not null && predicate is null && options.ScoreThreshold is null && !hamming
                && _nullVectors![v] == 0)
            {
                var found = index is HnswIndex graph
                    ? graph.Search(query, Math.Min(wanted, rows.Count), Math.Max(HnswIndex.DefaultEf, wanted))
                    : index.Search(query, Math.Min(wanted, rows.Count));
                foreach (var n in found)
                    heap.Add(n.Score, n.Index);
            }
            else
            {
                for (int i = 0; i < rows.Count; i++)
                {
                    var vector = rows[i].Vectors[v];
                    if (vector is null)
                        continue;
                    float score = Scoring.Score(metric, hamming, query, vector);
                    if (options.ScoreThreshold is double threshold && (higher ? score < threshold : score > threshold))
                        continue;
                    if (predicate is not null && !predicate(Materialize(rows[i], false)))
                        continue;
                    heap.Add(score, i);
                }
            }
            page = [.. heap.ToSortedArray().Skip(options.Skip).Select(n => (Materialize(rows[n.Index], options.IncludeVectors), n.Score))];
        }
        foreach (var (record, score) in page)
            yield return new VectorSearchResult<TRecord>(record, score);
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

/// <summary>One record as stored: its key, data values by data property, vectors by vector property (null where the record has none).</summary>
sealed record StoredRecord(object Key, object?[] Data, float[]?[] Vectors);
