using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simil.Analysis;
using Simil.Embeddings;
using Spectre.Console;

namespace Simil.Cli.Commands;

/// <summary><c>simil evaluate PAIRS (--model NAME | --vectors FILE)</c>: correlation with human similarity scores.</summary>
static class EvaluateCommand
{
    public static Command Create()
    {
        var pairs = new Argument<string>("PAIRS") { Description = "Pairs with human scores: the STS Benchmark layout, or word<TAB>word<TAB>score (WordSim-353, SimLex-999)." };
        var vectors = new Option<string?>("--vectors") { Description = "Word vectors to look the pairs up in (case-insensitive, as gensim's evaluate_word_pairs)." };
        var model = new Option<string?>("--model") { Description = $"Embed the pairs' texts with this model ({MiniLmEmbeddingGenerator.ModelName})." };
        var metric = new Option<string>("--metric", "-m") { Description = "all (dot, cosine, l2sq) or a comma-separated list.", DefaultValueFactory = _ => "all" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("evaluate", "How well each measure follows human similarity judgements: Pearson and Spearman, distances negated so higher is better for all.")
        {
            pairs, vectors, model, metric, json,
        };
        command.SetAction((parse, token) => Task.FromResult(Run(parse.GetValue(pairs)!, parse.GetValue(vectors), parse.GetValue(model),
            parse.GetValue(metric)!, parse.GetValue(json), token)));
        return command;
    }

    static int Run(string pairsFile, string? vectorsFile, string? model, string metricText, bool json, CancellationToken token)
    {
        if ((vectorsFile is null) == (model is null))
            throw new InputException("give exactly one of --vectors FILE and --model NAME");
        var metrics = metricText.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? MetricInfo.Primary
            : [.. metricText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => MetricInfo.TryParse(n, out var m)
                ? m : throw new InputException($"--metric: unknown metric '{n}'; valid metrics: all, {MetricInfo.ValidNames}"))];
        var pairs = ScoredPairs.Read(pairsFile);
        Func<string, float[]?> lookup;
        string source;
        if (vectorsFile is not null)
        {
            lookup = WordLookup.CaseInsensitive(KeyedVectors.LoadKeyed(vectorsFile, null));
            source = vectorsFile;
        }
        else
        {
            ModelOption.Check(model!);
            var texts = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToArray();
            using var generator = new MiniLmEmbeddingGenerator();
            var embedded = Rendering.Progress.Run($"embedding {texts.Length:N0} texts", texts.Length, "texts", progress => generator.EmbedMatrix(texts, progress, token));
            var rows = texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
            lookup = text => embedded[rows[text]].ToArray();
            source = MiniLmEmbeddingGenerator.ModelName;
        }
        var result = PairEvaluation.Evaluate(pairs, lookup, metrics);
        if (json)
            WriteJson(result, source);
        else
            WriteTable(result, source, pairsFile);
        return Cli.Ok;
    }

    static void WriteJson(PairEvaluation result, string source)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("source", source);
            w.WriteNumber("pairs", result.Pairs);
            w.WriteNumber("skipped", result.Skipped);
            w.WriteNumber("skippedPercent", result.SkippedPercent);
            w.WriteStartObject("scores");
            foreach (var s in result.Scores)
            {
                w.WriteStartObject(s.Metric.Name());
                w.WriteNumber("pearson", s.Pearson);
                w.WriteNumber("spearman", s.Spearman);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }

    static void WriteTable(PairEvaluation result, string source, string pairsFile)
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
