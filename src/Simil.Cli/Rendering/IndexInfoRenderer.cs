using System.Globalization;
using Simil.Indexes;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary><c>index info</c>: what an index holds as a table, or its header as one JSON document (with the recall estimate when asked).</summary>
static class IndexInfoRenderer
{
    public static void WriteJson(IndexInfo info, RecallEstimate? estimate)
    {
        string text = info.ToJson();
        if (estimate is not null)
            text = text[..^1] + string.Create(CultureInfo.InvariantCulture,
                $",\"recall\":{{\"k\":{estimate.K},\"queries\":{estimate.Queries},\"value\":{estimate.Recall:R},\"against\":\"{(estimate.AgainstFloat32 ? "float32" : "decoded")}\"}}}}");
        Console.Out.WriteLine(text);
    }

    public static void WriteTable(string file, IndexInfo info, RecallEstimate? estimate)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(file)) }.AddColumn("").AddColumn("");
        table.HideHeaders();
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("rows", info.Count.ToString("N0", CultureInfo.InvariantCulture));
        Row("dimensions", info.Dimensions.ToString(CultureInfo.InvariantCulture));
        Row("metric", info.Metric.Name());
        Row("kind", info.Kind);
        Row("precision", info.StoredPrecisionDescription());
        Row("model", info.Model ?? "none (vectors from a file)");
        if (info.DocumentPrompt is { } prompt)
            Row("document prompt", $"\"{prompt}\" (before every row's text; a text query takes the model's query prompt, else this)");
        Row("bytes", info.Bytes.ToString("N0", CultureInfo.InvariantCulture));
        if (info.Graph is { } g)
            Row("graph", $"M {g.M} (level 0: {g.M0}), ef-construction {g.EfConstruction}, seed {g.Seed}, {g.TopLevel + 1} levels");
        Row("sections", string.Join(", ", info.Sections.Select(s => $"{s.Id} {s.Bytes:N0}")));
        Row("written by", info.CreatedBy ?? "?");
        if (estimate is not null)
            Row("recall@10", $"{estimate.Recall:F4} over {estimate.Queries:N0} of its rows as queries, against an exact scan of {(estimate.AgainstFloat32 ? "the float32 rows" : "the decoded codes (no float32 rows kept: the loss to compression is not in this figure)")}");
        AnsiConsole.Console.Write(table);
    }

    /// <summary>A collection folder: its settings, segments, live and deleted rows and log, as a table or one JSON document.</summary>
    public static void WriteCollection(bool json, Collections.Collection collection)
    {
        var m = collection.Manifest!;
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", "collection");
                w.WriteNumber("live", collection.Count);
                w.WriteNumber("deleted", collection.Deleted);
                w.WriteNumber("dimensions", collection.Dimensions);
                w.WriteString("metric", collection.Metric.Name());
                w.WriteString("segment_kind", m.Build.Kind == VectorIndexKind.Hnsw ? "hnsw" : "flat");
                w.WriteString("precision", Quantization.Precisions.Name(m.Build.Precision));
                if (collection.Model is null) w.WriteNull("model"); else w.WriteString("model", collection.Model);
                w.WriteStartArray("segments");
                foreach (var s in collection.Segments)
                {
                    w.WriteStartObject();
                    w.WriteString("file", s.File);
                    w.WriteNumber("rows", s.Rows);
                    w.WriteNumber("deleted", s.Deleted);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("log_rows", collection.LogRows);
                w.WriteNumber("log_bytes", collection.LogBytes);
                w.WriteNumber("generation", m.Generation);
                w.WriteEndObject();
            });
            return;
        }
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(collection.Path)) }.AddColumn("").AddColumn("");
        table.HideHeaders();
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("live rows", collection.Count.ToString("N0", CultureInfo.InvariantCulture));
        Row("deleted rows", collection.Deleted.ToString("N0", CultureInfo.InvariantCulture));
        Row("dimensions", collection.Dimensions.ToString(CultureInfo.InvariantCulture));
        Row("metric", collection.Metric.Name());
        Row("segments", collection.Segments.Count == 0 ? "none" : string.Join(", ", collection.Segments.Select(s => $"{s.File} ({s.Rows:N0} rows, {s.Deleted:N0} deleted)")));
        Row("log", $"{collection.LogRows:N0} rows, {collection.LogBytes:N0} bytes");
        Row("new segments", $"{(m.Build.Kind == VectorIndexKind.Hnsw ? "hnsw" : "flat")}, {Quantization.Precisions.Name(m.Build.Precision)}, flushed at {m.FlushRows:N0} rows");
        Row("model", collection.Model ?? "none (vectors from a file)");
        AnsiConsole.Console.Write(table);
    }
}
