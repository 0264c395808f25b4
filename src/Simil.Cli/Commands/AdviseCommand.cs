using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simil.Analysis;
using Simil.Embeddings;
using Simil.IO;
using Spectre.Console;

namespace Simil.Cli.Commands;

/// <summary><c>simil advise VECTORS</c>: which measure fits, measured on the data, with reasons.</summary>
static class AdviseCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("VECTORS") { Description = "The vectors (any format simil reads), or texts to embed." };
        var labels = new Option<string?>("--labels") { Description = "A file with one label per row, for k-NN accuracy and class separation." };
        var labelColumn = new Option<int?>("--label-column") { Description = "Take labels from this 1-based tab-separated column of the texts file instead." };
        var sample = new Option<int>("--sample") { Description = "Measure at most this many rows (a fixed-seed sample).", DefaultValueFactory = _ => 2000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var plot = new Option<string?>("--plot") { Description = "Draw the length histogram and the agreement between the measures to this PNG." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The input's format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.Create();
        var command = new Command("advise", "Say which measure fits these vectors (dot, cosine or l2sq), with the figures that decide it.")
        {
            input, labels, labelColumn, sample, json, plot, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            using var generator = Models.Create(parse.GetValue(model)!);   // the model loads only if texts need it
            return Task.FromResult(Run(parse.GetValue(input)!, parse.GetValue(labels), parse.GetValue(labelColumn), parse.GetValue(sample),
                parse.GetValue(json), parse.GetValue(plot), parse.GetValue(inputFormat), generator, token));
        });
        return command;
    }

    static int Run(string file, string? labelsFile, int? labelColumn, int sample, bool json, string? plot, string? inputFormat,
        LocalEmbeddingGenerator generator, CancellationToken token)
    {
        if (sample < 3)
            throw new InputException($"--sample: {sample} is too small; at least 3 rows are needed");
        List<string>? labels = null;
        EmbeddingMatrix vectors;
        if (labelColumn is int column)
        {
            // A tab-separated texts file: the text in the first column, the label in another.
            var lines = File.ReadAllLines(file).Where(l => l.Trim().Length > 0).Select(l => l.Split('\t')).ToArray();
            if (lines.Any(f => f.Length < column))
                throw new InputException(file, $"a line has fewer than {column} tab-separated columns for --label-column");
            labels = [.. lines.Select(f => f[column - 1])];
            var texts = lines.Select(f => f[column == 1 ? 1 : 0]).ToArray();
            vectors = Rendering.Progress.Run($"embedding {texts.Length:N0} texts", texts.Length, "texts", p => generator.EmbedMatrix(texts, p, token));
        }
        else
        {
            vectors = KeyedVectors.LoadOrEmbed(file, inputFormat, () => generator, token);
            if (labelsFile is not null)
            {
                labels = [.. File.ReadAllLines(labelsFile).Where(l => l.Trim().Length > 0)];
                if (labels.Count != vectors.Count)
                    throw new InputException(labelsFile, $"{labels.Count} labels for {vectors.Count} rows of {file}; give one label per row");
            }
        }
        if (vectors.Count < 3)
            throw new InputException(file, "advice needs at least 3 rows");
        var advice = Advice.Analyze(vectors, labels, sample);
        if (plot is not null)
            Rendering.AdvicePlot.Save(plot, advice, vectors);
        if (json)
            WriteJson(advice);
        else
            WriteReport(advice, file);
        return Cli.Ok;
    }

    static void WriteReport(Advice a, string file)
    {
        var c = CultureInfo.InvariantCulture;
        Console.Out.WriteLine($"{file} · {a.Rows:N0} rows, {a.SampleSize:N0} measured (seed {a.Seed})");
        var figures = new Table { Border = TableBorder.Rounded }.AddColumn("measured").AddColumn("value");
        figures.AddRow("length min / median / max", string.Create(c, $"{a.Norms.Min:G4} / {a.Norms.Median:G4} / {a.Norms.Max:G4}"));
        figures.AddRow("length coefficient of variation", a.Norms.CoefficientOfVariation.ToString("F3", c));
        figures.AddRow($"unit length (±{UnitLength.Tolerance})", a.Norms.UnitLength ? "yes" : "no");
        foreach (var g in a.Agreements)
            figures.AddRow($"{g.A.Name()} vs {g.B.Name()}: top-{Advice.K} overlap, Kendall τ", string.Create(c, $"{g.Overlap:P0}, {g.KendallTau:F2}"));
        figures.AddRow("length vs. being a neighbour: r under dot / cosine", string.Create(c, $"{a.DotHubCorrelation:F2} / {a.CosineHubCorrelation:F2}"));
        foreach (var acc in a.Accuracies)
            figures.AddRow($"{Advice.K}-NN accuracy under {acc.Metric.Name()}", acc.Accuracy.ToString("P1", c));
        if (!double.IsNaN(a.SeparationRatio))
            figures.AddRow("between ÷ within class distance", a.SeparationRatio.ToString("F2", c));
        AnsiConsole.Console.Write(figures);
        var verdict = a.ComputeAsDot ? "cosine, computed as the dot product" : a.Recommended.Name();
        var panel = new Panel(new Rows(a.Reasons.Select(r => new Text("• " + r))))
        {
            Header = new PanelHeader($"use {verdict} (confidence: {a.Confidence})"),
            Border = BoxBorder.Rounded,
        };
        AnsiConsole.Console.Write(panel);
    }

    static void WriteNumberOrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
            w.WriteNumber(name, value);
        else
            w.WriteNull(name);
    }

    static void WriteJson(Advice a)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("recommended", a.Recommended.Name());
            w.WriteBoolean("compute_as_dot", a.ComputeAsDot);
            w.WriteString("confidence", a.Confidence);
            w.WriteStartArray("reasons");
            foreach (var r in a.Reasons) w.WriteStringValue(r);
            w.WriteEndArray();
            w.WriteNumber("rows", a.Rows);
            w.WriteNumber("sample", a.SampleSize);
            w.WriteNumber("seed", a.Seed);
            w.WriteStartObject("norms");
            w.WriteNumber("min", a.Norms.Min);
            w.WriteNumber("median", a.Norms.Median);
            w.WriteNumber("max", a.Norms.Max);
            w.WriteNumber("cv", a.Norms.CoefficientOfVariation);
            w.WriteBoolean("unit", a.Norms.UnitLength);
            w.WriteNumber("unit_tolerance", UnitLength.Tolerance);
            w.WriteEndObject();
            w.WriteStartArray("agreement");
            foreach (var g in a.Agreements)
            {
                w.WriteStartObject();
                w.WriteString("a", g.A.Name());
                w.WriteString("b", g.B.Name());
                w.WriteNumber("overlap", g.Overlap);
                w.WriteNumber("kendall_tau", g.KendallTau);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("hubs");
            // A correlation is undefined (NaN) when every length is the same or too few rows vary: null.
            WriteNumberOrNull(w, "dot", a.DotHubCorrelation);
            WriteNumberOrNull(w, "cosine", a.CosineHubCorrelation);
            w.WriteEndObject();
            if (a.Accuracies.Count > 0)
            {
                w.WriteStartObject("knn_accuracy");
                foreach (var acc in a.Accuracies) w.WriteNumber(acc.Metric.Name(), acc.Accuracy);
                w.WriteEndObject();
                w.WriteNumber("separation_ratio", a.SeparationRatio);
            }
            w.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }
}
