using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simil.IO;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>Shows an all-pairs matrix as a table, or writes it as csv, tsv, txt, npy or JSON.</summary>
static class MatrixRenderer
{
    const int TableRows = 20;
    const int TableColumns = 12;
    const int LabelWidth = 24;

    /// <summary>The key width of tables unless --width says otherwise.</summary>
    internal const int DefaultKeyWidth = LabelWidth;

    /// <summary>Four significant digits in at most 7 characters, so columns keep their width.</summary>
    static string Format(double value)
    {
        var text = value.ToString(Math.Abs(value) is >= 1e-3 and < 1e4 or 0 ? "0.####" : "0.##e0", CultureInfo.InvariantCulture);
        return text.Length <= 7 ? text : value.ToString("0.#e0", CultureInfo.InvariantCulture);
    }

    public static void Write(string format, string? path, ScoreMatrix result, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys, Metric metric)
    {
        switch (format)
        {
            case "table":
                WriteTable(result, rowKeys, columnKeys, metric);
                return;
            case "json":
                if (path is not null)
                    AtomicFile.Write(path, stream => WriteJson(stream, result, rowKeys, columnKeys, metric));
                else
                {
                    using var stdout = Console.OpenStandardOutput();
                    WriteJson(stdout, result, rowKeys, columnKeys, metric);
                }
                return;
            default:
                var fileFormat = format switch
                {
                    "npy" => VectorFileFormat.Npy,
                    "csv" => VectorFileFormat.Csv,
                    "tsv" => VectorFileFormat.Tsv,
                    _ => VectorFileFormat.Text,
                };
                if (path is not null)
                    VectorFileWriter.Write(path, result.AsRows(), fileFormat);
                else
                {
                    using var stdout = Console.OpenStandardOutput();
                    VectorFileWriter.Write(stdout, result.AsRows(), fileFormat);
                }
                return;
        }
    }

    static void WriteTable(ScoreMatrix result, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys, Metric metric)
    {
        // As many columns as fit the terminal (80 when output is redirected): 9 characters each.
        int width = AnsiConsole.Console.Profile.Width;
        int rows = Math.Min(result.Rows, TableRows), columns = Math.Clamp((width - LabelWidth - 8) / 9, 1, Math.Min(result.Columns, TableColumns));
        // Long keys (sentences) label the rows, numbered; the columns then show the numbers.
        bool shortKeys = columnKeys is not null && columnKeys.Take(columns).All(k => k.Length <= 10);
        var table = new Table { Border = TableBorder.Rounded };
        table.AddColumn(new TableColumn("").NoWrap());
        for (int j = 0; j < columns; j++)
            table.AddColumn(new TableColumn(Markup.Escape(shortKeys ? columnKeys![j] : (j + 1).ToString(CultureInfo.InvariantCulture))).RightAligned().NoWrap());
        for (int i = 0; i < rows; i++)
        {
            var label = $"{i + 1}. {Label(rowKeys, i)}";
            var cells = new List<string> { Markup.Escape(label.Length <= LabelWidth ? label : label[..(LabelWidth - 1)] + "…") };
            for (int j = 0; j < columns; j++)
                cells.Add(Format(result[i, j]));
            table.AddRow(cells.ToArray());
        }
        var console = AnsiConsole.Console;
        Console.Out.WriteLine($"{metric.Name()} ({(metric.HigherIsCloser() ? "higher" : "lower")} is closer), {result.Rows:N0} × {result.Columns:N0}");
        console.Write(table);
        if (rows < result.Rows || columns < result.Columns)
            console.WriteLine($"showing {rows} of {result.Rows:N0} rows and {columns} of {result.Columns:N0} columns; --format csv|tsv|json|npy|txt or --out FILE gives all");
    }

    static void WriteJson(Stream output, ScoreMatrix result, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys, Metric metric)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("metric", metric.Name());
        w.WriteNumber("rows", result.Rows);
        w.WriteNumber("columns", result.Columns);
        WriteKeys(w, "row_keys", rowKeys);
        WriteKeys(w, "column_keys", columnKeys);
        w.WriteStartArray("values");
        for (int i = 0; i < result.Rows; i++)
        {
            w.WriteStartArray();
            if (result.Precision == ScorePrecision.Float64)
                foreach (var v in result.Row64(i)) w.WriteNumberValue(v);
            else
                foreach (var v in result.Row(i)) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.Write("\n"u8);
    }

    static void WriteKeys(Utf8JsonWriter w, string name, IReadOnlyList<string>? keys)
    {
        if (keys is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var key in keys)
            w.WriteStringValue(key);
        w.WriteEndArray();
    }

    internal static string Label(IReadOnlyList<string>? keys, int index)
    {
        var text = keys is null ? index.ToString(CultureInfo.InvariantCulture) : keys[index];
        int width = KeyWidth;
        return width == 0 || text.Length <= width ? text : text[..(width - 1)] + "…";
    }

    /// <summary>The widest a key may be shown in a table before it is cut with "…" (--width; 0: never cut).</summary>
    internal static int KeyWidth { get; set; } = LabelWidth;
}
