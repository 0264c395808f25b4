using System.Text.Json;

namespace Simil.Indexes;

/// <summary>The JSON header of an index file: written with members in a fixed order (same input, same bytes), read leniently.</summary>
static class IndexHeader
{
    public static byte[] Serialize(IndexInfo info)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteMembers(json, info);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The header's members, in their fixed order (also the start of <see cref="IndexInfo.ToJson"/>).</summary>
    public static void WriteMembers(Utf8JsonWriter json, IndexInfo info)
    {
        json.WriteNumber("count", info.Count);
        json.WriteNumber("dimensions", info.Dimensions);
        json.WriteString("metric", info.Metric.Name());
        json.WriteString("kind", info.Kind);
        json.WriteString("precision", info.Precision);
        if (info.Model is null)
            json.WriteNull("model");
        else
            json.WriteString("model", info.Model);
        if (!string.IsNullOrEmpty(info.DocumentPrompt))
            json.WriteString("document_prompt", info.DocumentPrompt);
        json.WriteString("created_by", info.CreatedBy);
        if (info.Graph is { } g)
        {
            json.WriteStartObject("graph");
            json.WriteNumber("m", g.M);
            json.WriteNumber("m0", g.M0);
            json.WriteNumber("ef_construction", g.EfConstruction);
            json.WriteNumber("seed", g.Seed);
            json.WriteNumber("entry", g.Entry);
            json.WriteNumber("top_level", g.TopLevel);
            json.WriteEndObject();
        }
    }

    /// <summary>Reads a header; every missing or mistyped member is one error naming it.</summary>
    public static IndexInfo Parse(ReadOnlySpan<byte> bytes, string file, long headerOffset)
    {
        // JsonDocument checks UTF-8 inside strings only when a string is read, and then throws
        // InvalidOperationException (found by fuzzing, with the checksums made right): check first.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw Bad(file, headerOffset, "the JSON header is not valid UTF-8");
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(file, headerOffset, "the JSON header is not an object");
            string metricName = String(root, "metric", file, headerOffset);
            if (!MetricInfo.TryParse(metricName, out var metric))
                throw Bad(file, headerOffset, $"the header's metric '{metricName}' is not one this version knows");
            string kind = String(root, "kind", file, headerOffset);
            if (kind is not ("flat" or "hnsw"))
                throw Bad(file, headerOffset, $"the header's kind '{kind}' is not one this version knows (flat, hnsw)");
            string precision = String(root, "precision", file, headerOffset);
            if (!Quantization.Precisions.TryParse(precision, out var stored) || !Search.Compressed.CompressedVectors.Indexable(stored))
                throw Bad(file, headerOffset, $"the header's precision '{precision}' is not one this version reads (float32, float16, bfloat16, int8, binary)");
            int count = Int(root, "count", file, headerOffset, 0);
            int dimensions = Int(root, "dimensions", file, headerOffset, 1);
            string? model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            string? prompt = root.TryGetProperty("document_prompt", out var dp) && dp.ValueKind == JsonValueKind.String ? dp.GetString() : null;
            string? createdBy = root.TryGetProperty("created_by", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            HnswSettings? graph = null;
            if (root.TryGetProperty("graph", out var g) && g.ValueKind == JsonValueKind.Object)
            {
                graph = new HnswSettings(Int(g, "m", file, headerOffset, 2), Int(g, "m0", file, headerOffset, 2),
                    Int(g, "ef_construction", file, headerOffset, 1), Int(g, "seed", file, headerOffset, int.MinValue),
                    Int(g, "entry", file, headerOffset, 0), Int(g, "top_level", file, headerOffset, 0));
                if (count > 0 && graph.Entry >= count)
                    throw Bad(file, headerOffset, $"the graph's entry node {graph.Entry} is not below the count {count}");
            }
            if (kind == "hnsw" && graph is null)
                throw Bad(file, headerOffset, "the header's kind is hnsw but it has no 'graph' settings");
            return new IndexInfo
            {
                Count = count, Dimensions = dimensions, Metric = metric, Kind = kind, Precision = precision,
                Model = model, DocumentPrompt = prompt, CreatedBy = createdBy, Graph = kind == "hnsw" ? graph : null,
            };
        }
        catch (JsonException e)
        {
            throw Bad(file, headerOffset, $"the JSON header is not valid JSON ({e.Message})");
        }
    }

    static string String(JsonElement e, string name, string file, long offset) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(file, offset, $"the header has no string '{name}'");

    static int Int(JsonElement e, string name, string file, long offset, int min) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= min
            ? i : throw Bad(file, offset, $"the header has no integer '{name}' of at least {min}");

    static FileFormatException Bad(string file, long offset, string what) => IO.FileError.Byte(file, offset, what, "header");

    /// <summary>The name and version that <c>created_by</c> records.</summary>
    public static string CreatedBy { get; } = "simil " + (typeof(IndexHeader).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0");
}
