namespace Simil.Indexes;

/// <summary>What an index file says about itself (its JSON header and sizes), as <c>simil index info</c> prints it.</summary>
public sealed record IndexInfo
{
    /// <summary>Rows.</summary>
    public required int Count { get; init; }

    /// <summary>Elements per row.</summary>
    public required int Dimensions { get; init; }

    /// <summary>The measure the index ranks by.</summary>
    public required Metric Metric { get; init; }

    /// <summary><c>flat</c> or <c>hnsw</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The stored element type's name (<c>float32</c>).</summary>
    public required string Precision { get; init; }

    /// <summary><see cref="Precision"/> as the enum.</summary>
    internal Quantization.Precision StoredPrecision => Quantization.Precisions.TryParse(Precision, out var p) ? p : Quantization.Precision.Float32;

    /// <summary>The precision, and for a compressed one whether float32 rows are kept for rescoring.</summary>
    public string StoredPrecisionDescription() => StoredPrecision == Quantization.Precision.Float32 ? Precision
        : HasFloat32 ? $"{Precision} (candidates), float32 rows kept for rescoring" : $"{Precision} (no float32 rows: scores from the decoded codes)";

    /// <summary>Whether a compressed index keeps float32 rows to rescore its candidates with (always true at float32).</summary>
    public bool HasFloat32 { get; init; } = true;

    /// <summary>The model that embedded the rows, or null for vectors read from a file.</summary>
    public string? Model { get; init; }

    /// <summary>The prompt the rows' texts were embedded after, or null when none was.</summary>
    public string? DocumentPrompt { get; init; }

    /// <summary>The program that wrote the file.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The file's length in bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>The JSON header's length in bytes (where the padding before the first section starts).</summary>
    internal long HeaderBytes { get; init; }

    /// <summary>Whether the rows have keys of their own (a <c>KEYS</c> section).</summary>
    public bool HasKeys { get; init; }

    /// <summary>Whether the rows were embedded from texts (a <c>TEXT</c> section).</summary>
    public bool HasTexts { get; init; }

    /// <summary>The graph's settings, for the <c>hnsw</c> kind.</summary>
    public HnswSettings? Graph { get; init; }

    /// <summary>Each section's id and length in bytes, in file order.</summary>
    public IReadOnlyList<(string Id, long Bytes)> Sections { get; init; } = [];

    /// <summary>
    /// One JSON object: the file's header members (<c>count</c>, <c>dimensions</c>, <c>metric</c>,
    /// <c>kind</c>, <c>precision</c>, <c>model</c>, <c>created_by</c>, <c>graph</c>), then
    /// <c>bytes</c>, <c>rescore</c> (a compressed index keeps float32 rows) and <c>sections</c> (id → bytes), as <c>simil index info --json</c> prints it.
    /// </summary>
    public string ToJson()
    {
        var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartObject();
            IndexHeader.WriteMembers(json, this);
            json.WriteNumber("bytes", Bytes);
            json.WriteBoolean("rescore", StoredPrecision != Quantization.Precision.Float32 && HasFloat32);
            json.WriteStartObject("sections");
            foreach (var (id, bytes) in Sections)
                json.WriteNumber(id, bytes);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>An HNSW graph's settings as its index file records them.</summary>
/// <param name="M">Links per node on the upper levels.</param>
/// <param name="M0">Links per node on level 0 (2M).</param>
/// <param name="EfConstruction">The candidate list's size while building.</param>
/// <param name="Seed">The seed of the level draws.</param>
/// <param name="Entry">The node every search starts from.</param>
/// <param name="TopLevel">The entry node's level.</param>
public sealed record HnswSettings(int M, int M0, int EfConstruction, int Seed, int Entry, int TopLevel);
