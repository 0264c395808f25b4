using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Simil.Collections;

/// <summary>One segment as the manifest names it.</summary>
/// <param name="File">The segment's file name (an index file).</param>
/// <param name="Rows">Its row count.</param>
/// <param name="DeletedFile">Its deletion file, or null when no row is deleted.</param>
/// <param name="Deleted">The rows its deletion file marks.</param>
public sealed record SegmentEntry(string File, int Rows, string? DeletedFile, int Deleted);

/// <summary>
/// A collection's live state (<c>docs/collection-format.md</c>): its settings, its segments and
/// their deletion files, and its log. Written once as <c>MANIFEST-n</c>, then named by
/// <c>CURRENT</c> with its hash; never edited.
/// </summary>
public sealed record Manifest
{
    /// <summary>The format's name in the manifest.</summary>
    public const string FormatName = "simil-collection";

    /// <summary>The version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The file that names the live manifest.</summary>
    public const string CurrentFile = "CURRENT";

    /// <summary>n, the manifest's number (also in its file name).</summary>
    public required long Generation { get; init; }

    /// <summary>Every row's length.</summary>
    public required int Dimensions { get; init; }

    /// <summary>How the segments written from now on are built: metric, kind, precision, graph settings.</summary>
    public required IndexBuildOptions Build { get; init; }

    /// <summary>The model that embedded the texts, or null.</summary>
    public string? Model { get; init; }

    /// <summary>The segments, oldest first.</summary>
    public IReadOnlyList<SegmentEntry> Segments { get; init; } = [];

    /// <summary>The write-ahead log's file name.</summary>
    public required string Log { get; init; }

    /// <summary>The sequence number of the first record the log may hold.</summary>
    public long LogStart { get; init; }

    /// <summary>The next file number.</summary>
    public required long NextFile { get; init; }

    /// <summary>The log is flushed into a new segment when its live rows reach this.</summary>
    public int FlushRows { get; init; } = 20_000;

    /// <summary>Segments are merged once this fraction of their rows is deleted.</summary>
    public double CompactDeleted { get; init; } = 0.2;

    /// <summary>The manifest's file name.</summary>
    public string FileName => Name(Generation);

    /// <summary>The file name of manifest <paramref name="generation"/>.</summary>
    public static string Name(long generation) => $"MANIFEST-{generation:D6}";

    /// <summary>The manifest as its file holds it: one JSON object.</summary>
    public byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", Version);
            w.WriteNumber("generation", Generation);
            w.WriteNumber("dimensions", Dimensions);
            w.WriteString("metric", Build.Metric.Name());
            w.WriteString("kind", Build.Kind == VectorIndexKind.Hnsw ? "hnsw" : "flat");
            w.WriteString("precision", Quantization.Precisions.Name(Build.Precision));
            w.WriteBoolean("rescore", Build.Rescore);
            w.WriteStartObject("graph");
            w.WriteNumber("m", Build.M);
            w.WriteNumber("ef_construction", Build.EfConstruction);
            w.WriteNumber("seed", Build.Seed);
            w.WriteEndObject();
            if (Model is null)
                w.WriteNull("model");
            else
                w.WriteString("model", Model);
            w.WriteStartArray("segments");
            foreach (var s in Segments)
            {
                w.WriteStartObject();
                w.WriteString("file", s.File);
                w.WriteNumber("rows", s.Rows);
                if (s.DeletedFile is null)
                    w.WriteNull("deleted_file");
                else
                    w.WriteString("deleted_file", s.DeletedFile);
                w.WriteNumber("deleted", s.Deleted);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("log", Log);
            w.WriteNumber("log_start", LogStart);
            w.WriteNumber("next_file", NextFile);
            w.WriteNumber("flush_rows", FlushRows);
            w.WriteNumber("compact_deleted", CompactDeleted);
            w.WriteEndObject();
        }
        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    /// <summary>Reads a manifest's bytes; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="FileFormatException">The bytes are not a manifest this version reads.</exception>
    public static Manifest Parse(ReadOnlySpan<byte> json, string file)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "format", file) != FormatName)
                throw Bad(file, $"not a collection manifest (no \"format\": \"{FormatName}\")");
            if (Integer(root, "version", file) != Version)
                throw Bad(file, $"manifest version {Integer(root, "version", file)} is not one this simil reads ({Version}); upgrade simil");
            if (!MetricInfo.TryParse(Text(root, "metric", file), out var metric))
                throw Bad(file, $"the metric '{Text(root, "metric", file)}' is not one this version knows");
            string kind = Text(root, "kind", file);
            if (kind is not ("flat" or "hnsw"))
                throw Bad(file, $"the kind '{kind}' is not flat or hnsw");
            if (!Quantization.Precisions.TryParse(Text(root, "precision", file), out var precision))
                throw Bad(file, $"the precision '{Text(root, "precision", file)}' is not one this version knows");
            var graph = root.TryGetProperty("graph", out var g) && g.ValueKind == JsonValueKind.Object ? g : throw Bad(file, "no \"graph\" object");
            var segments = new List<SegmentEntry>();
            if (!root.TryGetProperty("segments", out var list) || list.ValueKind != JsonValueKind.Array)
                throw Bad(file, "no \"segments\" array");
            foreach (var s in list.EnumerateArray())
                segments.Add(new SegmentEntry(Member(s, "file", file)!, (int)Integer(s, "rows", file),
                    s.TryGetProperty("deleted_file", out var d) && d.ValueKind == JsonValueKind.String ? Member(s, "deleted_file", file) : null,
                    (int)Integer(s, "deleted", file)));
            return new Manifest
            {
                Generation = Integer(root, "generation", file),
                Dimensions = (int)Integer(root, "dimensions", file, min: 1),
                Build = new IndexBuildOptions
                {
                    Metric = metric,
                    Kind = kind == "hnsw" ? VectorIndexKind.Hnsw : VectorIndexKind.Flat,
                    Precision = precision,
                    Rescore = root.TryGetProperty("rescore", out var r) && r.ValueKind == JsonValueKind.True,
                    M = (int)Integer(graph, "m", file, min: 2),
                    EfConstruction = (int)Integer(graph, "ef_construction", file, min: 1),
                    Seed = (int)Integer(graph, "seed", file, min: int.MinValue),
                },
                Model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
                Segments = segments,
                Log = Member(root, "log", file)!,
                LogStart = Integer(root, "log_start", file),
                NextFile = Integer(root, "next_file", file, min: 1),
                FlushRows = (int)Integer(root, "flush_rows", file, min: 1),
                CompactDeleted = root.TryGetProperty("compact_deleted", out var c) && c.TryGetDouble(out double f) && f is > 0 and <= 1 ? f
                    : throw Bad(file, "\"compact_deleted\" is not a fraction in (0, 1]"),
            };
        }
        catch (JsonException e)
        {
            throw Bad(file, $"not valid JSON ({e.Message})");
        }
    }

    static string Text(JsonElement e, string name, string file) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(file, $"no string \"{name}\"");

    static long Integer(JsonElement e, string name, string file, long min = 0) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) && i >= min
            ? i : throw Bad(file, $"no integer \"{name}\" of at least {min}");

    /// <summary>A file name of the collection: no folder part, nothing that leaves the folder.</summary>
    static string? Member(JsonElement e, string name, string file)
    {
        string value = Text(e, name, file);
        return value.Length > 0 && value == System.IO.Path.GetFileName(value) && value is not ("." or "..")
            ? value : throw Bad(file, $"\"{name}\" '{value}' is not a file name inside the collection");
    }

    static FileFormatException Bad(string file, string what) => new(file, "", what);

    /// <summary>The line <c>CURRENT</c> holds for a manifest of these bytes.</summary>
    public static string CurrentLine(string manifestName, ReadOnlySpan<byte> manifest) =>
        $"{manifestName} {XxHash3.HashToUInt64(manifest).ToString("x16", CultureInfo.InvariantCulture)}\n";

    /// <summary>
    /// Reads <c>CURRENT</c> and the manifest it names in <paramref name="folder"/>, checking the
    /// manifest's hash against the line.
    /// </summary>
    /// <exception cref="FileFormatException"><c>CURRENT</c> or the manifest is damaged or missing.</exception>
    public static Manifest ReadCurrent(string folder) => ReadCurrent(folder, 0);

    static Manifest ReadCurrent(string folder, int retries)
    {
        string currentPath = System.IO.Path.Combine(folder, CurrentFile);
        string line;
        try
        {
            line = File.ReadAllText(currentPath, Encoding.ASCII);
        }
        catch (FileNotFoundException)
        {
            throw new FileFormatException(folder, "", $"not a collection: it has no {CurrentFile} file");
        }
        var parts = line.TrimEnd('\n').Split(' ');
        if (parts.Length != 2 || !parts[0].StartsWith("MANIFEST-", StringComparison.Ordinal) || parts[0] != System.IO.Path.GetFileName(parts[0])
            || !ulong.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong hash) || !line.EndsWith('\n'))
            throw new FileFormatException(currentPath, "line 1", "expected 'MANIFEST-n <16 hex digits>' (the file is damaged)", line: 1);
        string manifestPath = System.IO.Path.Combine(folder, parts[0]);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(manifestPath);
        }
        catch (FileNotFoundException)
        {
            // A writer may have switched CURRENT and removed the manifest it named between our two
            // reads: that is a newer collection, not a damaged one — read CURRENT again. Damage is
            // when CURRENT still names a manifest that is not there.
            if (retries < 8 && File.Exists(currentPath) && File.ReadAllText(currentPath, Encoding.ASCII) != line)
                return ReadCurrent(folder, retries + 1);
            throw new FileFormatException(currentPath, "line 1", $"names {parts[0]}, which does not exist (the collection is damaged)", line: 1);
        }
        if (XxHash3.HashToUInt64(bytes) != hash)
            throw new FileFormatException(manifestPath, "", $"its hash does not match the one {CurrentFile} holds (the manifest is damaged)");
        var manifest = Parse(bytes, manifestPath);
        if (manifest.FileName != parts[0])
            throw new FileFormatException(manifestPath, "", $"holds generation {manifest.Generation}, not the one its name says");
        return manifest;
    }

    /// <summary>
    /// Writes this manifest as <c>MANIFEST-n</c>, then switches <c>CURRENT</c> to it: each file
    /// written under a temporary name, flushed to the disk and renamed, then the folder flushed, so
    /// a crash leaves the old state or the new one.
    /// </summary>
    public void Commit(string folder)
    {
        var bytes = ToJson();
        // AtomicFile flushes the folder after each rename.
        IO.AtomicFile.Write(System.IO.Path.Combine(folder, FileName), s => s.Write(bytes));
        var line = Encoding.ASCII.GetBytes(CurrentLine(FileName, bytes));
        IO.AtomicFile.Write(System.IO.Path.Combine(folder, CurrentFile), s => s.Write(line));
    }
}
