using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Simil.Collections;

namespace Simil.VectorData;

/// <summary>
/// How a store's collection lies in its folder (<c>docs/vectordata.md</c>): <c>schema.json</c> (the
/// record model, written once, last, when the collection is made) and <c>rows/</c>, a Simil
/// collection (<c>docs/collection-format.md</c>) with one row per record: its id is the key as
/// text, its vector the record's vector properties side by side (zeros where one is null; one zero
/// when the model has none), its metadata a JSON object of the key and data properties by storage
/// name, plus <see cref="NullVectors"/> listing the vector properties the record lacks.
/// </summary>
sealed class CollectionSchema
{
    /// <summary>The metadata field that lists (by position) the vector properties a record has no vector for.</summary>
    public const string NullVectors = "$nullVectors";

    const int Format = 2;

    readonly CollectionModel _model;

    public CollectionSchema(string folder, CollectionModel model)
    {
        Folder = folder;
        _model = model;
        Offsets = new int[model.VectorProperties.Count];
        int at = 0;
        for (int v = 0; v < Offsets.Length; v++)
        {
            Offsets[v] = at;
            at += model.VectorProperties[v].Dimensions;
        }
        Dimensions = Math.Max(at, 1);
        if (model.DataProperties.Any(p => p.StorageName == NullVectors) || model.KeyProperty.StorageName == NullVectors)
            throw new NotSupportedException($"'{NullVectors}' is the name Simil keeps for the vectors a record lacks; give the property another storage name");
    }

    public string Folder { get; }

    public string SchemaFile => Path.Combine(Folder, "schema.json");

    /// <summary>The Simil collection that holds the rows.</summary>
    public string RowsFolder => Path.Combine(Folder, "rows");

    /// <summary>Where the rows' vector holds each vector property.</summary>
    public int[] Offsets { get; }

    /// <summary>The rows' length: the vector properties' dimensions together (1 when there are none).</summary>
    public int Dimensions { get; }

    public bool Exists => File.Exists(SchemaFile) && Collection.IsCollection(RowsFolder);

    /// <summary>
    /// One vector property searched through the collection's own index (HNSW or the flat scan):
    /// the model's only vector property, with a distance the index ranks by. Otherwise each search
    /// scores the property's slice of every allowed row.
    /// </summary>
    public bool Native => _model.VectorProperties.Count == 1 && _model.VectorProperties[0].DistanceFunction != DistanceFunction.HammingDistance;

    public IndexBuildOptions Build => Native
        ? new IndexBuildOptions
        {
            Metric = Scoring.MetricOf(_model.VectorProperties[0].DistanceFunction ?? DistanceFunction.CosineSimilarity),
            Kind = _model.VectorProperties[0].IndexKind == IndexKind.Hnsw ? VectorIndexKind.Hnsw : VectorIndexKind.Flat,
        }
        : new IndexBuildOptions { Metric = Metric.Dot, Kind = VectorIndexKind.Flat };

    /// <summary>Makes the collection: its rows first (with <paramref name="first"/>), the schema last (what makes it exist); a folder left by a crash between the two is made again.</summary>
    /// <remarks>
    /// <paramref name="first"/> (the records of a collection in the first on-disk form) are written
    /// into the rows before the schema lands, so a crash before then leaves no collection and the old
    /// files to move again, never a collection that looks whole without them.
    /// </remarks>
    public void Create(int flushRows, IReadOnlyList<CollectionRow>? first = null, TimeSpan? lockWait = null)
    {
        if (Directory.Exists(RowsFolder))
            Directory.Delete(RowsFolder, recursive: true);
        var vector = _model.VectorProperties.Count == 1 ? _model.VectorProperties[0] : null;
        CollectionWriter.Create(RowsFolder, Dimensions, Build, vector is null ? null : GeneratorModel(vector), flushRows);
        if (first is { Count: > 0 })
        {
            using var writer = CollectionWriter.Open(RowsFolder, lockWait);
            writer.Upsert(first);
        }
        var schema = new JsonObject
        {
            ["format"] = Format,
            ["key"] = new JsonObject { ["name"] = _model.KeyProperty.StorageName, ["type"] = KeyTypeName(_model.KeyProperty.Type) },
            ["data"] = new JsonArray([.. _model.DataProperties.Select(p => (JsonNode)new JsonObject { ["name"] = p.StorageName, ["type"] = p.Type.FullName })]),
            ["vectors"] = new JsonArray([.. _model.VectorProperties.Select((p, v) => (JsonNode)new JsonObject
            {
                ["name"] = p.StorageName, ["dimensions"] = p.Dimensions, ["offset"] = Offsets[v],
                ["distance"] = p.DistanceFunction ?? DistanceFunction.CosineSimilarity, ["index"] = p.IndexKind ?? IndexKind.Flat,
                ["model"] = GeneratorModel(p),
            })]),
        };
        Simil.IO.AtomicFile.Write(SchemaFile, stream => stream.Write(JsonSerializer.SerializeToUtf8Bytes(schema)));
    }

    /// <summary>Checks that the schema on disk describes this model; the key type it records.</summary>
    /// <exception cref="InvalidOperationException">The files describe another model (the message names the property and both values).</exception>
    public Type Check()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(SchemaFile));
        var root = json.RootElement;
        if (root.GetProperty("format").GetInt32() != Format)
            throw new InvalidOperationException($"{SchemaFile}: format {root.GetProperty("format").GetInt32()} is not one this version reads ({Format})");
        var vectors = root.GetProperty("vectors").EnumerateArray().ToList();
        if (vectors.Count != _model.VectorProperties.Count)
            throw new InvalidOperationException($"{SchemaFile}: the collection was created with {vectors.Count} vector properties, the record type has {_model.VectorProperties.Count}");
        for (int v = 0; v < vectors.Count; v++)
        {
            var p = _model.VectorProperties[v];
            int dimensions = vectors[v].GetProperty("dimensions").GetInt32();
            if (dimensions != p.Dimensions)
                throw new InvalidOperationException($"{SchemaFile}: vector property '{p.StorageName}' has {dimensions} dimensions in the collection but {p.Dimensions} in the record type; nothing was changed");
            string distance = vectors[v].GetProperty("distance").GetString()!;
            if (distance != (p.DistanceFunction ?? DistanceFunction.CosineSimilarity))
                throw new InvalidOperationException($"{SchemaFile}: vector property '{p.StorageName}' ranks by {distance} in the collection but {p.DistanceFunction} in the record type; nothing was changed");
            string index = vectors[v].GetProperty("index").GetString()!;
            if (index != (p.IndexKind ?? IndexKind.Flat))
                throw new InvalidOperationException($"{SchemaFile}: vector property '{p.StorageName}' has a {index} index in the collection but {p.IndexKind} in the record type; nothing was changed");
            // Texts meet the vectors of the model that made them, never another (Simil.Embeddings.QueryResolver's rule).
            if (vectors[v].TryGetProperty("model", out var recorded) && recorded.ValueKind == JsonValueKind.String && GeneratorModel(p) is { } current
                && !Simil.Embeddings.QueryResolver.SameModel(recorded.GetString()!, current))
                throw new InvalidOperationException($"{SchemaFile}: vector property '{p.StorageName}' was embedded by {recorded.GetString()}, but this collection's embedding generator is {current}; texts must be embedded by the model that made the vectors they meet; nothing was changed");
        }
        string keyType = root.GetProperty("key").GetProperty("type").GetString()!;
        if (_model.KeyProperty.Type != typeof(object) && keyType != KeyTypeName(_model.KeyProperty.Type))
            throw new InvalidOperationException($"{SchemaFile}: the collection's keys are {keyType}, the record type's {KeyTypeName(_model.KeyProperty.Type)}; nothing was changed");
        return keyType switch
        {
            "Guid" => typeof(Guid), "String" => typeof(string), "Int32" => typeof(int), "UInt64" => typeof(ulong), _ => typeof(long),
        };
    }

    public static string KeyTypeName(Type type) => (Nullable.GetUnderlyingType(type) ?? type).Name;

    /// <summary>
    /// The model that embeds a property's values when they are not vectors (text, by default): its
    /// generator's model id; null for a property that holds vectors, or a generator that names none.
    /// </summary>
    public static string? GeneratorModel(VectorPropertyModel property) =>
        SimilModelBuilder.IsNative(property.Type, out _) ? null
        : (property.EmbeddingGenerator?.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata)?.DefaultModelId;

    /// <summary>A key as a row id: Guids in their 36-character form, numbers in invariant digits.</summary>
    public static string Id(object key) => key switch
    {
        string s => s,
        Guid g => g.ToString("D"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"a key of type {key.GetType().Name}"),
    };

    /// <summary>A record as a row: its id, its vectors side by side, its key and data (and any null vectors) as metadata.</summary>
    public CollectionRow Row(object key, object?[] data, float[]?[] vectors)
    {
        var vector = new float[Dimensions];
        var nulls = new List<int>();
        for (int v = 0; v < vectors.Length; v++)
        {
            if (vectors[v] is { } values)
                values.CopyTo(vector, Offsets[v]);
            else
                nulls.Add(v);
        }
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(_model.KeyProperty.StorageName);
            JsonSerializer.Serialize(writer, key, key.GetType());
            for (int d = 0; d < _model.DataProperties.Count; d++)
            {
                writer.WritePropertyName(_model.DataProperties[d].StorageName);
                JsonSerializer.Serialize(writer, data[d], _model.DataProperties[d].Type);
            }
            if (nulls.Count > 0)
            {
                writer.WriteStartArray(NullVectors);
                foreach (int v in nulls)
                    writer.WriteNumberValue(v);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return new CollectionRow(Id(key), vector, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>A row's key and data values, and which vector properties it lacks.</summary>
    public (object Key, object?[] Data, HashSet<int> Nulls) Fields(string metadata, Type keyType)
    {
        using var json = JsonDocument.Parse(metadata);
        var root = json.RootElement;
        var key = root.GetProperty(_model.KeyProperty.StorageName).Deserialize(keyType)!;
        var data = new object?[_model.DataProperties.Count];
        for (int d = 0; d < data.Length; d++)
            if (root.TryGetProperty(_model.DataProperties[d].StorageName, out var value))
                data[d] = value.Deserialize(_model.DataProperties[d].Type);
        var nulls = root.TryGetProperty(NullVectors, out var missing) ? missing.EnumerateArray().Select(e => e.GetInt32()).ToHashSet() : [];
        return (key, data, nulls);
    }
}
