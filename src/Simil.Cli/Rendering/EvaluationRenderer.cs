using System.Globalization;
using System.Text.Json;
using Simil.Analysis;
using Simil.Quantization;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary><c>evaluate</c>'s results: correlations per measure (per model, per precision), analogy accuracy; tables or one JSON document.</summary>
static class EvaluationRenderer
{
    public static void WriteModels(bool json, string pairsFile, List<(string Model, PairEvaluation Result)> results)
    {
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("models");
                foreach (var (name, result) in results)
                {
                    w.WritePropertyName(name);
                    WriteDocument(w, result, name);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            });
            return;
        }
        Console.Out.WriteLine($"{pairsFile} · {results[0].Result.Pairs:N0} pairs · {string.Join(" vs ", results.Select(r => r.Model))}");
        for (int m = 0; m < results[0].Result.Scores.Count; m++)
        {
            var metric = results[0].Result.Scores[m].Metric;
            var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(metric.HigherIsCloser() ? metric.Name() : $"−{metric.Name()}") }.AddColumn("");
            foreach (var (name, _) in results)
                table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
            table.AddRow(["Pearson", .. results.Select(r => r.Result.Scores[m].Pearson.ToString("F4", CultureInfo.InvariantCulture))]);
            table.AddRow(["Spearman", .. results.Select(r => r.Result.Scores[m].Spearman.ToString("F4", CultureInfo.InvariantCulture))]);
            AnsiConsole.Console.Write(table);
        }
    }

    public static void WriteAnalogies(AnalogyEvaluation result, bool json, string vectorsFile, string analogiesFile)
    {
        if (json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("analogies", analogiesFile);
                w.WriteString("source", vectorsFile);
                w.WriteNumber("accuracy", result.Accuracy);
                w.WriteNumber("skipped", result.Skipped);
                w.WriteStartArray("sections");
                foreach (var s in result.Sections)
                {
                    w.WriteStartObject();
                    w.WriteString("section", s.Name);
                    w.WriteNumber("correct", s.Correct);
                    w.WriteNumber("incorrect", s.Incorrect);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        Console.Out.WriteLine($"{analogiesFile} · {vectorsFile} · 3CosAdd · {result.Skipped:N0} questions skipped (out of vocabulary)");
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn("section").AddColumn(new TableColumn("correct").RightAligned()).AddColumn(new TableColumn("answered").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var s in result.Sections)
            table.AddRow(Markup.Escape(s.Name), s.Correct.ToString(CultureInfo.InvariantCulture), (s.Correct + s.Incorrect).ToString(CultureInfo.InvariantCulture),
                double.IsNaN(s.Accuracy) ? "–" : s.Accuracy.ToString("P1", CultureInfo.InvariantCulture));
        table.AddRow("[bold]total[/]", result.Sections.Sum(s => s.Correct).ToString(CultureInfo.InvariantCulture),
            result.Sections.Sum(s => s.Correct + s.Incorrect).ToString(CultureInfo.InvariantCulture), result.Accuracy.ToString("P2", CultureInfo.InvariantCulture));
        AnsiConsole.Console.Write(table);
    }

    public static void WriteJson(PairEvaluation result, string source)
    {
        JsonOutput.Write(w => WriteDocument(w, result, source));
    }

    /// <summary>The one-model document: source, pairs, skipped, and Pearson/Spearman per measure.</summary>
    static void WriteDocument(Utf8JsonWriter w, PairEvaluation result, string source)
    {
        w.WriteStartObject();
        w.WriteString("source", source);
        w.WriteNumber("pairs", result.Pairs);
        w.WriteNumber("skipped", result.Skipped);
        w.WriteNumber("skipped_percent", result.SkippedPercent);
        WriteScores(w, result);
        w.WriteEndObject();
    }

    /// <summary><c>"scores": {measure: {"pearson": …, "spearman": …}, …}</c>.</summary>
    static void WriteScores(Utf8JsonWriter w, PairEvaluation result)
    {
        w.WriteStartObject("scores");
        foreach (var s in result.Scores)
        {
            w.WriteStartObject(s.Metric.Name());
            w.WriteNumber("pearson", s.Pearson);
            w.WriteNumber("spearman", s.Spearman);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public static void WritePrecisionsJson((Precision Precision, PairEvaluation Result)[] results, string source, int dimensions)
    {
        JsonOutput.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("source", source);
            w.WriteStartObject("precisions");
            foreach (var (precision, result) in results)
            {
                w.WriteStartObject(precision.Name());
                w.WriteNumber("bytes_per_vector", StoredValues.BytesPerVector(precision, dimensions));
                w.WriteNumber("pairs", result.Pairs);
                w.WriteNumber("skipped", result.Skipped);
                WriteScores(w, result);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static void WritePrecisionsTable((Precision Precision, PairEvaluation Result)[] results, string source, string pairsFile, int dimensions)
    {
        var first = results[0].Result;
        Console.Out.WriteLine($"{pairsFile} · {source} · {first.Pairs:N0} pairs scored, {first.Skipped:N0} skipped · Spearman per precision (int8/uint8 ranges from these vectors; binary ranks by Hamming distance)");
        var table = new Table { Border = TableBorder.Rounded }.AddColumn("precision").AddColumn(new TableColumn("bytes/vector").RightAligned());
        foreach (var s in first.Scores)
            table.AddColumn(new TableColumn(s.Metric.HigherIsCloser() ? s.Metric.Name() : $"−{s.Metric.Name()}").RightAligned());
        foreach (var (precision, result) in results)
            table.AddRow([precision.Name(), StoredValues.BytesPerVector(precision, dimensions).ToString("N0", CultureInfo.InvariantCulture),
                .. result.Scores.Select(s => s.Spearman.ToString("F4", CultureInfo.InvariantCulture))]);
        AnsiConsole.Console.Write(table);
    }

    public static void WriteTable(PairEvaluation result, string source, string pairsFile)
    {
        Console.Out.WriteLine($"{pairsFile} · {source} · {result.Pairs:N0} pairs scored, {result.Skipped:N0} skipped ({result.SkippedPercent:F1}% out of vocabulary)");
        var table = new Table { Border = TableBorder.Rounded }
            .AddColumn("measure").AddColumn(new TableColumn("Pearson").RightAligned()).AddColumn(new TableColumn("Spearman").RightAligned());
        foreach (var s in result.Scores)
            table.AddRow(s.Metric.HigherIsCloser() ? s.Metric.Name() : $"−{s.Metric.Name()}",
                s.Pearson.ToString("F4", CultureInfo.InvariantCulture), s.Spearman.ToString("F4", CultureInfo.InvariantCulture));
        AnsiConsole.Console.Write(table);
    }
}
