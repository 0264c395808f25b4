using System.Globalization;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>Search results: a table per query, or one JSON line per query.</summary>
static class SearchRenderer
{
    public static void Write(bool json, string query, Metric metric, IReadOnlyList<Neighbor> results, IReadOnlyList<string>? keys)
    {
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("query", query);
                w.WriteString("metric", metric.Name());
                w.WriteStartArray("results");
                for (int r = 0; r < results.Count; r++)
                {
                    w.WriteStartObject();
                    w.WriteNumber("rank", r + 1);
                    w.WriteNumber("row", results[r].Index);
                    if (keys is null)
                        w.WriteNull("key");
                    else
                        w.WriteString("key", keys[results[r].Index]);
                    w.WriteNumber("score", results[r].Score);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        Console.Out.WriteLine($"{query} · {metric.Name()} ({(metric.HigherIsCloser() ? "higher" : "lower")} is closer)");
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn(new TableColumn("rank").RightAligned())
            .AddColumn(new TableColumn("row").RightAligned())
            .AddColumn("key")
            .AddColumn(new TableColumn(metric.Name()).RightAligned());
        for (int r = 0; r < results.Count; r++)
            table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), results[r].Index.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(keys is null ? "" : MatrixRenderer.Label(keys, results[r].Index)),
                results[r].Score.ToString("G7", CultureInfo.InvariantCulture));
        AnsiConsole.Console.Write(table);
    }
}
