using System.CommandLine;
using Simil.Analysis;
using Simil.Cli.Rendering;
using Simil.Embeddings;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary><c>simil compare A B</c>: two vectors or two texts, scored under one metric or all three.</summary>
static class CompareCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "A literal vector such as \"[1, 2, 3]\", or a text for the model to embed." };
        var b = new Argument<string>("B") { Description = "The second vector or text, of the same kind as A." };
        var metric = new Option<string>("--metric", "-m")
        {
            Description = $"The measure: all (dot, cosine and l2sq), or one or more of {MetricInfo.ValidNames}, comma-separated.",
            DefaultValueFactory = _ => "all",
        };
        var model = new Option<string>("--model")
        {
            Description = $"The model that embeds texts (default and only local model: {MiniLmEmbeddingGenerator.ModelName}).",
            DefaultValueFactory = _ => MiniLmEmbeddingGenerator.ModelName,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of a table." };

        var command = new Command("compare", """
            Compare two vectors or two texts.
              dot     the dot product Σ aᵢbᵢ: higher is closer; it grows with the vectors' lengths, which suits recommendation, where a longer vector means a better item.
              cosine  the cosine of the angle, a·b/(‖a‖‖b‖) in [-1, 1]: higher is closer; it ignores length, which suits normalised text embeddings.
              l2sq    the squared Euclidean distance Σ (aᵢ−bᵢ)²: lower is closer; it suits classification, where the distance between classes matters.
            On unit-length vectors cosine equals dot and l2sq = 2 − 2·cosine, so all three rank alike.
            """)
        {
            a, b, metric, model, json,
        };
        command.SetAction(parse => Run(
            parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(metric)!, parse.GetValue(model)!, parse.GetValue(json)));
        return command;
    }

    static int Run(string a, string b, string metricText, string model, bool json)
    {
        var metrics = ParseMetrics(metricText);
        bool literalA = VectorLiteral.IsLiteral(a), literalB = VectorLiteral.IsLiteral(b);
        if (literalA != literalB)
            throw new InputException($"{(literalA ? "A" : "B")} is a vector literal but {(literalA ? "B" : "A")} is a text; compare two vectors or two texts");

        float[] va, vb;
        string source;
        if (literalA)
        {
            va = VectorLiteral.Parse(a, "argument A");
            vb = VectorLiteral.Parse(b, "argument B");
            source = "literal";
        }
        else
        {
            if (!string.Equals(model, MiniLmEmbeddingGenerator.ModelName, StringComparison.OrdinalIgnoreCase))
                throw new InputException($"--model: unknown model '{model}'; available: {MiniLmEmbeddingGenerator.ModelName}");
            using var generator = new MiniLmEmbeddingGenerator();
            var vectors = generator.Embed([a, b]);
            (va, vb) = (vectors[0], vectors[1]);
            source = MiniLmEmbeddingGenerator.ModelName;
        }

        var comparison = PairComparison.Compare(va, vb, metrics);
        if (json)
            CompareRenderer.WriteJson(Console.Out, a, b, source, comparison);
        else
            CompareRenderer.WriteTable(a, b, source, comparison);
        return Cli.Ok;
    }

    static Metric[] ParseMetrics(string text)
    {
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase))
            return [.. MetricInfo.Primary];
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
            throw new InputException($"--metric: no metric given; use all or one of {MetricInfo.ValidNames}");
        return [.. names.Select(name => MetricInfo.TryParse(name, out var m)
            ? m
            : throw new InputException($"--metric: unknown metric '{name}'; valid metrics: all, {MetricInfo.ValidNames}")).Distinct()];
    }
}
