using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Simil.Analysis;
using Simil.Embeddings;
using Simil.Quantization;
using Spectre.Console;

namespace Simil.Cli.Commands;

/// <summary><c>simil evaluate PAIRS [--model NAME | --vectors FILE]</c>: correlation with human similarity scores (texts embedded by the local model unless --vectors).</summary>
static class EvaluateCommand
{
    public static Command Create()
    {
        var pairs = new Argument<string?>("PAIRS") { Description = "Pairs with human scores: the STS Benchmark layout, or word<TAB>word<TAB>score (WordSim-353, SimLex-999).", Arity = ArgumentArity.ZeroOrOne };
        var analogies = new Option<string?>("--analogies") { Description = "A Google analogy file (': section', then 'a b c d'): 3CosAdd accuracy per section and in total, as gensim's evaluate_word_analogies (needs --vectors)." };
        var vectors = new Option<string?>("--vectors") { Description = "Word vectors to look the pairs up in (case-insensitive, as gensim's evaluate_word_pairs)." };
        var model = new Option<string[]>("--model") { Description = $"Embed the pairs' texts with this model (a name: {string.Join(", ", EmbeddingModels.Names)}; or a model directory); the default when --vectors is not given ({EmbeddingModels.Default}). Give it more than once to compare models side by side." };
        var metric = new Option<string>("--metric", "-m") { Description = "all (dot, cosine, l2sq) or a comma-separated list.", DefaultValueFactory = _ => "all" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var precision = new Option<string?>("--precision") { Description = $"Also score the vectors as stored at these precisions (all, or a comma-separated list of {Precisions.ValidNames}); int8/uint8 ranges from the evaluated vectors themselves." };
        var command = new Command("evaluate", "How well each measure follows human similarity judgements: Pearson and Spearman, distances negated so higher is better for all.")
        {
            pairs, vectors, model, metric, analogies, json, precision,
        };
        command.SetAction((parse, token) =>
        {
            var models = parse.GetValue(model) ?? [];
            if (models.Length > 1)
                return Task.FromResult(RunModels(parse.GetValue(pairs), parse.GetValue(vectors), models, parse.GetValue(metric)!,
                    parse.GetValue(analogies), parse.GetValue(json), parse.GetValue(precision), token));
            return Task.FromResult(Run(parse.GetValue(pairs), parse.GetValue(vectors), models.FirstOrDefault(),
                parse.GetValue(metric)!, parse.GetValue(analogies), parse.GetValue(json), parse.GetValue(precision), token));
        });
        return command;
    }

    /// <summary>The precisions <c>--precision</c> names (float32 first, always).</summary>
    static Precision[] ParsePrecisions(string text)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            return Enum.GetValues<Precision>();
        var list = new List<Precision> { Precision.Float32 };
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Precisions.TryParse(name, out var p))
                throw new InputException("--precision", $"unknown precision '{name}'; valid precisions: all, {Precisions.ValidNames}");
            if (!list.Contains(p))
                list.Add(p);
        }
        return [.. list];
    }

    /// <summary>
    /// Several models on the same pairs: one table per measure with a column per model (Pearson and
    /// Spearman), or JSON <c>{"models":{"name":{…the one-model document…}}}</c>.
    /// </summary>
    static int RunModels(string? pairsFile, string? vectorsFile, string[] models, string metricText, string? analogies, bool json, string? precisionText, CancellationToken token)
    {
        if (vectorsFile is not null)
            throw new InputException("give --vectors FILE or --model NAME, not both");
        if (pairsFile is null)
            throw new InputException("give a PAIRS file to compare models on");
        if (analogies is not null)
            throw new InputException("--analogies", "evaluates word vectors (--vectors), not models");
        if (precisionText is not null)
            throw new InputException("--precision", "applies to one model at a time; give one --model");
        if (models.Distinct(StringComparer.OrdinalIgnoreCase).Count() != models.Length)
            throw new InputException("--model", "names a model twice");
        foreach (var name in models)
            _ = EmbeddingModels.Dimensions(name);   // every name checked before any model loads
        var metrics = MetricList.Parse(metricText);
        var pairs = ScoredPairs.Read(pairsFile);
        var texts = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToArray();
        var rows = texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var results = new List<(string Model, PairEvaluation Result)>();
        foreach (var name in models)
        {
            using var generator = Models.Create(name);
            var embedded = Rendering.Progress.Run($"{generator.Name}: embedding {texts.Length:N0} texts", texts.Length, "texts",
                progress => generator.EmbedMatrix(texts, progress, token));
            results.Add((generator.Name, PairEvaluation.Evaluate(pairs, text => embedded[rows[text]].ToArray(), metrics)));
        }
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
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
            }
            stdout.Write("\n"u8);
            return Cli.Ok;
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
        return Cli.Ok;
    }

    static int Run(string? pairsFile, string? vectorsFile, string? model, string metricText, string? analogies, bool json, string? precisionText, CancellationToken token)
    {
        var precisions = precisionText is null ? null : ParsePrecisions(precisionText);
        if (precisions is not null && pairsFile is null)
            throw new InputException("--precision", "scores PAIRS at each precision; give a PAIRS file");
        // As in every command that embeds texts: without --vectors, the model does (the local one by default).
        if (vectorsFile is not null && model is not null)
            throw new InputException("give --vectors FILE or --model NAME, not both");
        if (pairsFile is null && analogies is null)
            throw new InputException("give a PAIRS file, --analogies FILE, or both");
        if (analogies is not null && vectorsFile is null)
            throw new InputException("--analogies needs --vectors FILE (word vectors)");
        if (pairsFile is null)
        {
            var words = KeyedVectors.LoadKeyed(vectorsFile!, null);
            WriteAnalogies(AnalogyEvaluation.Evaluate(words, analogies!), json, vectorsFile!, analogies!);
            return Cli.Ok;
        }
        var metrics = MetricList.Parse(metricText);
        var pairs = ScoredPairs.Read(pairsFile);
        Func<EmbeddingMatrix, Func<string, float[]?>> lookupIn;
        EmbeddingMatrix vectors;
        string source;
        if (vectorsFile is not null)
        {
            vectors = KeyedVectors.LoadKeyed(vectorsFile, null);
            lookupIn = matrix => WordLookup.CaseInsensitive(matrix);
            source = vectorsFile;
        }
        else
        {
            var texts = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToArray();
            using var generator = Models.Create(model ?? EmbeddingModels.Default);
            vectors = Rendering.Progress.Run($"embedding {texts.Length:N0} texts", texts.Length, "texts", progress => generator.EmbedMatrix(texts, progress, token));
            var rows = texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
            lookupIn = matrix => text => matrix[rows[text]].ToArray();
            source = generator.Name;
        }
        if (precisions is not null)
        {
            var perPrecision = precisions.Select(p => (p, PairEvaluation.Evaluate(pairs, lookupIn(StoredValues.Of(vectors, p)), metrics))).ToArray();
            if (json)
                WritePrecisionsJson(perPrecision, source, vectors.Dimensions);
            else
                WritePrecisionsTable(perPrecision, source, pairsFile, vectors.Dimensions);
            return Cli.Ok;
        }
        var result = PairEvaluation.Evaluate(pairs, lookupIn(vectors), metrics);
        if (json)
            WriteJson(result, source);
        else
            WriteTable(result, source, pairsFile);
        if (analogies is not null)
            WriteAnalogies(AnalogyEvaluation.Evaluate(KeyedVectors.LoadKeyed(vectorsFile!, null), analogies), json, vectorsFile!, analogies);
        return Cli.Ok;
    }

    static void WriteAnalogies(AnalogyEvaluation result, bool json, string vectorsFile, string analogiesFile)
    {
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
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
            }
            stdout.Write("\n"u8);
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

    static void WriteJson(PairEvaluation result, string source)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteDocument(w, result, source);
        stdout.Write("\n"u8);
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

    static void WritePrecisionsJson((Precision Precision, PairEvaluation Result)[] results, string source, int dimensions)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
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
        }
        stdout.Write("\n"u8);
    }

    static void WritePrecisionsTable((Precision Precision, PairEvaluation Result)[] results, string source, string pairsFile, int dimensions)
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
