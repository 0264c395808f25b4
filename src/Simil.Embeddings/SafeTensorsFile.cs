using System.Buffers.Binary;
using System.Text.Json;

namespace Simil.Embeddings;

/// <summary>
/// A reader of Hugging Face's safetensors format (<c>docs/models.md</c>), for the weights of a
/// sentence-transformers Dense module: an 8-byte little-endian header length N, N bytes of JSON
/// (each tensor's <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> into the data that follows,
/// and an optional <c>__metadata__</c> object of strings), then the data, little-endian. Every
/// tensor must lie inside the data, match its shape, and no two may overlap; F32, F16 and BF16 are
/// read (widened to float32), any other dtype is refused by name when its tensor is asked for.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>The largest header the reader takes (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    readonly byte[] _data;
    readonly string _path;

    /// <summary>One tensor's entry in the header.</summary>
    public sealed record Entry(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End);

    SafeTensorsFile(string path, byte[] data, Dictionary<string, Entry> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        _path = path;
        _data = data;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, Entry> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and checks the file whole (a Dense module's weights are small).</summary>
    /// <exception cref="FileFormatException">The file is not valid safetensors; the message names the place.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
            throw new FileFormatException(path, "byte 0", $"{bytes.Length} bytes is too short for a safetensors file (8-byte header length first)", offset: 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw new FileFormatException(path, "byte 0", $"the header length {headerLength} is past the file's {bytes.Length - 8} bytes after it", offset: 0);
        int n = (int)headerLength;
        var data = bytes.AsSpan(8 + n).ToArray();
        var tensors = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var header = JsonDocument.Parse(bytes.AsMemory(8, n), new JsonDocumentOptions { MaxDepth = 8 });
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(path, "the header is not a JSON object");
            foreach (var p in header.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object)
                        throw Bad(path, "__metadata__ is not an object of strings");
                    foreach (var m in p.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(path, $"__metadata__.{m.Name} is not a string");
                    continue;
                }
                tensors[p.Name] = Parse(path, p, data.Length);
            }
        }
        catch (JsonException e)
        {
            throw new FileFormatException(path, "byte 8", $"the header is not JSON: {e.Message.ReplaceLineEndings(" ")}", offset: 8);
        }
        // The tensors tile the data: sorted by offset, each begins where the previous ended.
        long at = 0;
        foreach (var t in tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin != at)
                throw Bad(path, t.Begin < at ? $"tensor '{t.Name}' overlaps the one before it (it begins at {t.Begin}, that one ends at {at})" : $"the data has {t.Begin - at} bytes before tensor '{t.Name}' that no tensor names");
            at = t.End;
        }
        if (at != data.Length)
            throw Bad(path, $"the tensors end at byte {at} of the data, which has {data.Length}");
        return new SafeTensorsFile(path, data, tensors, metadata);
    }

    static FileFormatException Bad(string path, string detail) => new(path, "header", detail, section: "header");

    static int Size(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    static Entry Parse(string path, JsonProperty p, long dataLength)
    {
        var e = p.Value;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{p.Name}' needs dtype (a string), shape (a list) and data_offsets ([begin, end])");
        var dims = new List<long>();
        long count = 1;
        foreach (var d in shape.EnumerateArray())
        {
            if (!d.TryGetInt64(out long v) || v < 0 || (v > 0 && count > long.MaxValue / v))
                throw Bad(path, $"tensor '{p.Name}': the shape {shape.GetRawText()} is not a list of sizes");
            dims.Add(v);
            count *= v;
        }
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
            throw Bad(path, $"tensor '{p.Name}': data_offsets {offsets.GetRawText()} are not inside the data's {dataLength} bytes");
        string type = dtype.GetString()!;
        int size = Size(type);
        if (size == 0)
            throw Bad(path, $"tensor '{p.Name}': '{type}' is not a safetensors dtype");
        if (end - begin != count * size)
            throw Bad(path, $"tensor '{p.Name}': {end - begin} bytes for shape {shape.GetRawText()} of {type}, which needs {count * size}");
        return new Entry(p.Name, type, dims, begin, end);
    }

    /// <summary>The tensor <paramref name="name"/> as float32 values (row-major).</summary>
    /// <exception cref="FileFormatException">No such tensor, or a dtype that is not F32, F16 or BF16.</exception>
    public float[] Floats(string name)
    {
        if (!Tensors.TryGetValue(name, out var t))
            throw new FileFormatException(_path, "header", $"has no tensor '{name}' (it has {string.Join(", ", Tensors.Keys.Order(StringComparer.Ordinal))})", section: "header");
        var bytes = _data.AsSpan((int)t.Begin, (int)(t.End - t.Begin));
        var values = new float[bytes.Length / Size(t.DType)];
        switch (t.DType)
        {
            case "F32":
                for (int i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < values.Length; i++)
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case "BF16":
                for (int i = 0; i < values.Length; i++)
                    values[i] = (float)BFloat16.FromBits(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                break;
            default:
                throw new FileFormatException(_path, $"tensor '{name}'", $"is {t.DType}; a Dense module's weights are read as F32, F16 or BF16", section: "header");
        }
        return values;
    }
}
