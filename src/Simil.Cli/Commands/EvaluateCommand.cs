using System.CommandLine;
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
        Rendering.EvaluationRenderer.WriteModels(json, pairsFile, results);
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
            Rendering.EvaluationRenderer.WriteAnalogies(AnalogyEvaluation.Evaluate(words, analogies!), json, vectorsFile!, analogies!);
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
                Rendering.EvaluationRenderer.WritePrecisionsJson(perPrecision, source, vectors.Dimensions);
            else
                Rendering.EvaluationRenderer.WritePrecisionsTable(perPrecision, source, pairsFile, vectors.Dimensions);
            return Cli.Ok;
        }
        var result = PairEvaluation.Evaluate(pairs, lookupIn(vectors), metrics);
        if (json)
            Rendering.EvaluationRenderer.WriteJson(result, source);
        else
            Rendering.EvaluationRenderer.WriteTable(result, source, pairsFile);
        if (analogies is not null)
            Rendering.EvaluationRenderer.WriteAnalogies(AnalogyEvaluation.Evaluate(KeyedVectors.LoadKeyed(vectorsFile!, null), analogies), json, vectorsFile!, analogies);
        return Cli.Ok;
    }
}
