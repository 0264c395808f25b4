using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simil.Analysis;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>Shows a <see cref="PairComparison"/> as a table or as the JSON document of the CLI contract.</summary>
static class CompareRenderer
{
    public static void WriteTable(string a, string b, string source, PairComparison comparison)
    {
        var console = AnsiConsole.Console;
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn("measure")
            .AddColumn(new TableColumn("value").RightAligned())
            .AddColumn("closer when");
        foreach (var (metric, score) in comparison.Scores)
            table.AddRow(metric.Name(), Format(score), metric.HigherIsCloser() ? "higher" : "lower");
        Console.Out.WriteLine($"{Describe(a)} vs {Describe(b)} · {source} · {comparison.Dimensions} dimensions");
        console.Write(table);
        if (comparison.Notes.Count > 0)
        {
            var notes = new Rows(comparison.Notes.Select(n => new Text(n)));
            console.Write(new Panel(notes) { Header = new PanelHeader("what the numbers mean"), Border = BoxBorder.Rounded });
        }
    }

    public static void WriteJson(TextWriter output, string a, string b, string source, PairComparison comparison)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("a", a);
            w.WriteString("b", b);
            w.WriteString("source", source);
            w.WriteNumber("dimensions", comparison.Dimensions);
            w.WriteStartObject("scores");
            foreach (var (metric, score) in comparison.Scores)
                w.WriteNumber(metric.Name(), score);
            w.WriteEndObject();
            w.WriteStartObject("norms");
            w.WriteNumber("a", comparison.NormA);
            w.WriteNumber("b", comparison.NormB);
            w.WriteEndObject();
            w.WriteStartArray("notes");
            foreach (var note in comparison.Notes)
                w.WriteStringValue(note);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Seven significant digits: every digit a float32 score carries, and no noise.</summary>
    static string Format(float score) => score.ToString("G7", CultureInfo.InvariantCulture);

    static string Describe(string input) => input.Length <= 40 ? $"\"{input}\"" : $"\"{input[..37]}…\"";
}
