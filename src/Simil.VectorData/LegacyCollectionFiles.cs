using System.Text.Json;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace Simil.VectorData;

/// <summary>
/// The first on-disk form of a store's collection (format 1, before collections had a log):
/// <c>manifest.json</c> naming generation G, <c>records-G.jsonl</c> and <c>vectorN-G.simil</c>.
/// Read once, when such a folder is first used, and moved into the collection layout
/// (<see cref="CollectionSchema"/>); then its files are removed.
/// </summary>
sealed class LegacyCollectionFiles(string folder, CollectionModel model)
{
    string Manifest => Path.Combine(folder, "manifest.json");

    public bool Exists => File.Exists(Manifest);

    /// <summary>Removes the legacy files (after their records are in the new layout).</summary>
    public void RemoveFiles()
    {
        foreach (var file in Directory.EnumerateFiles(folder))
            if (Path.GetFileName(file) is var name && (name == "manifest.json" || name.StartsWith("records-", StringComparison.Ordinal)
                || (name.StartsWith("vector", StringComparison.Ordinal) && name.EndsWith(".simil", StringComparison.Ordinal))))
                File.Delete(file);
    }

    static string? GeneratorModel(VectorPropertyModel property) => CollectionSchema.GeneratorModel(property);

    static string KeyTypeName(Type type) => (Nullable.GetUnderlyingType(type) ?? type).Name;

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
