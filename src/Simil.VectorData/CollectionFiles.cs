using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Simil.IO;

namespace Simil.VectorData;

/// <summary>
/// A collection's folder (<c>docs/vectordata.md</c>): <c>manifest.json</c> naming generation G,
/// <c>records-G.jsonl</c> (key and data of each row) and <c>vectorN-G.simil</c> (an index file per
/// vector property, rows in the same order). A write makes generation G+1 and replaces the
/// manifest last, so a crash leaves the old generation or the new one, whole.
/// </summary>
sealed class CollectionFiles(string folder, CollectionModel model)
{
    const int Format = 1;
    string Manifest => Path.Combine(folder, "manifest.json");

    public bool Exists => File.Exists(Manifest);

    /// <summary>
    /// The generation the manifest names now (0 when there is none): another collection object or
    /// process may have written since this one read. The manifest is parsed again only when its
    /// time stamp or length changed (every write replaces it by a rename), not on every search.
    /// </summary>
    public int CurrentGeneration
    {
        get
        {
            var info = new FileInfo(Manifest);
            if (!info.Exists)
                return 0;
            var stamp = (info.LastWriteTimeUtc.Ticks, info.Length);
            if (stamp != _stamp)
                (_stamp, _stampGeneration) = (stamp, Generation());
            return _stampGeneration;
        }
    }

    (long, long) _stamp;
    int _stampGeneration;

    public void Delete()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    int Generation()
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Manifest));
            return json.RootElement.GetProperty("generation").GetInt32();
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Writes the rows as the next generation; returns each vector property's index (flat or HNSW) over them, and the generation.</summary>
    public (VectorIndex[] Indexes, int Generation) Write(List<StoredRecord> rows)
    {
        Directory.CreateDirectory(folder);
        int previous = Generation(), next = previous + 1;
        AtomicFile.Write(Path.Combine(folder, $"records-{next}.jsonl"), stream =>
        {
            using var writer = new Utf8JsonWriter(stream);
            foreach (var row in rows)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("key");
                JsonSerializer.Serialize(writer, row.Key, row.Key.GetType());
                writer.WriteStartObject("data");
                for (int d = 0; d < model.DataProperties.Count; d++)
                {
                    writer.WritePropertyName(model.DataProperties[d].StorageName);
                    JsonSerializer.Serialize(writer, row.Data[d], model.DataProperties[d].Type);
                }
                writer.WriteEndObject();
                writer.WriteStartArray("null");
                for (int v = 0; v < model.VectorProperties.Count; v++)
                    if (row.Vectors[v] is null)
                        writer.WriteNumberValue(v);
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.Flush();
                stream.WriteByte((byte)'\n');
                writer.Reset();   // JSON Lines: one document a line
            }
        });
        var graphs = new VectorIndex[model.VectorProperties.Count];
        for (int v = 0; v < model.VectorProperties.Count; v++)
        {
            var property = model.VectorProperties[v];
            int d = property.Dimensions;
            var data = new float[rows.Count * d];
            for (int r = 0; r < rows.Count; r++)
                rows[r].Vectors[v]?.CopyTo(data, r * d);
            var matrix = EmbeddingMatrix.Create(data, d);
            var metric = Scoring.MetricOf(property.DistanceFunction ?? DistanceFunction.CosineSimilarity);
            string path = Path.Combine(folder, $"vector{v}-{next}.simil");
            if (property.IndexKind == IndexKind.Hnsw)
            {
                var graph = HnswIndex.Build(matrix, metric);
                graph.Save(path);
                graphs[v] = graph;
            }
            else
            {
                var flat = new FlatIndex(matrix, metric);
                flat.Save(path);
                graphs[v] = flat;
            }
        }
        var manifest = new JsonObject
        {
            ["format"] = Format,
            ["generation"] = next,
            ["count"] = rows.Count,
            ["key"] = new JsonObject { ["name"] = model.KeyProperty.StorageName, ["type"] = KeyTypeName(model.KeyProperty.Type) },
            ["data"] = new JsonArray([.. model.DataProperties.Select(p => (JsonNode)new JsonObject { ["name"] = p.StorageName, ["type"] = p.Type.FullName })]),
            ["vectors"] = new JsonArray([.. model.VectorProperties.Select((p, v) => (JsonNode)new JsonObject
            {
                ["name"] = p.StorageName, ["dimensions"] = p.Dimensions,
                ["distance"] = p.DistanceFunction ?? DistanceFunction.CosineSimilarity, ["index"] = p.IndexKind ?? IndexKind.Flat,
                ["model"] = RecordedModel(v) ?? GeneratorModel(p),
            })]),
        };
        AtomicFile.Write(Manifest, stream => stream.Write(JsonSerializer.SerializeToUtf8Bytes(manifest)));
        if (previous > 0)
            foreach (var old in Directory.EnumerateFiles(folder, $"*-{previous}.*"))
                File.Delete(old);
        return (graphs, next);
    }

    static string KeyTypeName(Type type) => (Nullable.GetUnderlyingType(type) ?? type).Name;

    /// <summary>
    /// The model that embeds a property's values when they are not vectors (text, by default): its
    /// generator's model id; null for a property that holds vectors, or a generator that names none.
    /// </summary>
    static string? GeneratorModel(VectorPropertyModel property) =>
        SimilModelBuilder.IsNative(property.Type, out _) ? null
        : (property.EmbeddingGenerator?.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata)?.DefaultModelId;

    /// <summary>The model the manifest records for vector property <paramref name="v"/>, if the collection has one.</summary>
    string? RecordedModel(int v)
    {
        if (!Exists)
            return null;
        using var json = JsonDocument.Parse(File.ReadAllBytes(Manifest));
        var vectors = json.RootElement.GetProperty("vectors");
        return v < vectors.GetArrayLength() && vectors[v].TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
    }

    /// <summary>Reads the generation the manifest names, after checking that it describes this collection's model.</summary>
    /// <exception cref="InvalidOperationException">The files describe another model (the message names the property and both values).</exception>
    public (List<StoredRecord> Rows, VectorIndex[] Indexes, int Generation) Read()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Manifest));
        var root = json.RootElement;
        int generation = root.GetProperty("generation").GetInt32();
        var vectors = root.GetProperty("vectors").EnumerateArray().ToList();
        if (vectors.Count != model.VectorProperties.Count)
            throw new InvalidOperationException($"{Manifest}: the collection was created with {vectors.Count} vector properties, the record type has {model.VectorProperties.Count}");
        for (int v = 0; v < vectors.Count; v++)
        {
            var p = model.VectorProperties[v];
            int dimensions = vectors[v].GetProperty("dimensions").GetInt32();
            if (dimensions != p.Dimensions)
                throw new InvalidOperationException($"{Manifest}: vector property '{p.StorageName}' has {dimensions} dimensions in the collection but {p.Dimensions} in the record type; nothing was changed");
            string distance = vectors[v].GetProperty("distance").GetString()!;
            if (distance != (p.DistanceFunction ?? DistanceFunction.CosineSimilarity))
                throw new InvalidOperationException($"{Manifest}: vector property '{p.StorageName}' ranks by {distance} in the collection but {p.DistanceFunction} in the record type; nothing was changed");
            // Texts meet the vectors of the model that made them, never another (Simil.Embeddings.QueryResolver's rule).
            if (vectors[v].TryGetProperty("model", out var recorded) && recorded.ValueKind == JsonValueKind.String && GeneratorModel(p) is { } current
                && !Simil.Embeddings.QueryResolver.SameModel(recorded.GetString()!, current))
                throw new InvalidOperationException($"{Manifest}: vector property '{p.StorageName}' was embedded by {recorded.GetString()}, but this collection's embedding generator is {current}; texts must be embedded by the model that made the vectors they meet; nothing was changed");
        }
        string keyType = root.GetProperty("key").GetProperty("type").GetString()!;
        if (model.KeyProperty.Type != typeof(object) && keyType != KeyTypeName(model.KeyProperty.Type))
            throw new InvalidOperationException($"{Manifest}: the collection's keys are {keyType}, the record type's {KeyTypeName(model.KeyProperty.Type)}; nothing was changed");
        var keyClr = keyType switch { "Guid" => typeof(Guid), "String" => typeof(string), "Int32" => typeof(int), _ => typeof(long) };

        var rows = new List<StoredRecord>();
        foreach (var line in File.ReadLines(Path.Combine(folder, $"records-{generation}.jsonl")))
        {
            if (line.Length == 0)
                continue;
            using var record = JsonDocument.Parse(line);
            var r = record.RootElement;
            var key = r.GetProperty("key").Deserialize(keyClr)!;
            var data = new object?[model.DataProperties.Count];
            var stored = r.GetProperty("data");
            for (int d = 0; d < data.Length; d++)
                if (stored.TryGetProperty(model.DataProperties[d].StorageName, out var value))
                    data[d] = value.Deserialize(model.DataProperties[d].Type);
            var nulls = r.GetProperty("null").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
            // A vector the record has is read from its index file below; one it lacks stays null.
            var vectorsOfRow = new float[]?[model.VectorProperties.Count];
            for (int v = 0; v < vectorsOfRow.Length; v++)
                if (!nulls.Contains(v))
                    vectorsOfRow[v] = [];
            rows.Add(new StoredRecord(key, data, vectorsOfRow));
        }
        var graphs = new VectorIndex[model.VectorProperties.Count];
        for (int v = 0; v < model.VectorProperties.Count; v++)
        {
            var index = VectorIndex.Open(Path.Combine(folder, $"vector{v}-{generation}.simil"));
            if (index.Count != rows.Count)
                throw new InvalidOperationException($"{folder}: vector{v}-{generation}.simil has {index.Count} rows, the records file {rows.Count}");
            for (int r = 0; r < rows.Count; r++)
                if (rows[r].Vectors[v] is not null)
                    rows[r].Vectors[v] = index.Corpus[r].ToArray();
            graphs[v] = index;   // searched in place through the map
        }
        return (rows, graphs, generation);
    }
}
