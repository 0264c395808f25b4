using System.Globalization;
using Simil.Collections;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>Rows and search hits of a collection: tables, or JSON with ids, scores, texts and metadata.</summary>
static class CollectionRenderer
{
    public static void WriteRow(bool json, CollectionRow row)
    {
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("id", row.Id);
                Optional(w, "text", row.Text);
                Metadata(w, row.Metadata);
                w.WriteStartArray("vector");
                foreach (float v in row.Vector)
                    w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        var table = new Table { Border = TableBorder.Rounded }.AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("id", Markup.Escape(row.Id));
        if (row.Text is not null)
            table.AddRow("text", Markup.Escape(row.Text));
        table.AddRow("metadata", Markup.Escape(row.Metadata ?? "none"));
        table.AddRow("vector", Markup.Escape($"{row.Vector.Length} values: [{string.Join(", ", row.Vector.Take(4).Select(v => v.ToString("G7", CultureInfo.InvariantCulture)))}{(row.Vector.Length > 4 ? ", …" : "")}]"));
        AnsiConsole.Console.Write(table);
    }

    public static void WriteHits(bool json, string query, Metric metric, IReadOnlyList<CollectionHit> hits)
    {
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("query", query);
                w.WriteString("metric", metric.Name());
                w.WriteStartArray("results");
                for (int r = 0; r < hits.Count; r++)
                {
                    w.WriteStartObject();
                    w.WriteNumber("rank", r + 1);
                    w.WriteString("id", hits[r].Id);
                    w.WriteNumber("score", hits[r].Score);
                    Optional(w, "text", hits[r].Text);
                    Metadata(w, hits[r].Metadata);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        Console.Out.WriteLine($"{query} · {metric.Name()} ({(metric.HigherIsCloser() ? "higher" : "lower")} is closer)");
        bool anyMetadata = hits.Any(h => h.Metadata is not null);
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn(new TableColumn("rank").RightAligned())
            .AddColumn("id")
            .AddColumn(new TableColumn(metric.Name()).RightAligned());
        if (anyMetadata)
            table.AddColumn("metadata");
        var ids = hits.Select(h => h.Id).ToList();
        for (int r = 0; r < hits.Count; r++)
        {
            var cells = new List<string> { (r + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(MatrixRenderer.Label(ids, r)), hits[r].Score.ToString("G7", CultureInfo.InvariantCulture) };
            if (anyMetadata)
                cells.Add(Markup.Escape(hits[r].Metadata ?? ""));
            table.AddRow([.. cells]);
        }
        AnsiConsole.Console.Write(table);
    }

    static void Optional(System.Text.Json.Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
            w.WriteNull(name);
        else
            w.WriteString(name, value);
    }

    static void Metadata(System.Text.Json.Utf8JsonWriter w, string? metadata)
    {
        w.WritePropertyName("metadata");
        if (metadata is null)
            w.WriteNullValue();
        else
            w.WriteRawValue(metadata);
    }
}
