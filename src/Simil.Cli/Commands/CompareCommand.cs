using System.CommandLine;
using Simil.Analysis;
using Simil.Cli.Rendering;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary><c>simil compare A B</c>: two vectors or two texts, scored under one metric or all three.</summary>
static class CompareCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "A literal vector such as \"[1, 2, 3]\", a key of --vectors, or a text for the model to embed." };
        var b = new Argument<string>("B") { Description = "The second vector, key or text, of the same kind as A." };
        var metric = new Option<string>("--metric", "-m")
        {
            Description = $"The measure: all (dot, cosine and l2sq), or one or more of {MetricInfo.ValidNames}, comma-separated.",
            DefaultValueFactory = _ => "all",
        };
        var model = ModelOption.Create();
        var vectors = new Option<string?>("--vectors")
        {
            Description = "A file of keyed vectors (word2vec, GloVe, fastText, JSON Lines, …); A and B are keys looked up in it.",
        };
        var inputFormat = new Option<string?>("--input-format")
        {
            Description = $"The format of --vectors when its content and extension do not say: {VectorFileFormats.ValidNames}.",
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
            a, b, metric, vectors, inputFormat, model, json,
        };
        command.SetAction(parse => Run(
            parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(metric)!, parse.GetValue(vectors), parse.GetValue(inputFormat),
            parse.GetValue(model)!, parse.GetValue(json)));
        return command;
    }

    static int Run(string a, string b, string metricText, string? vectorsFile, string? inputFormat, string model, bool json)
    {
        var metrics = MetricList.Parse(metricText);
        if (inputFormat is not null && vectorsFile is null)
            throw new InputException("--input-format", $"'{inputFormat}' describes a --vectors file, and none was given");
        if (vectorsFile is not null)
        {
            var matrix = KeyedVectors.LoadKeyed(vectorsFile, inputFormat);
            var found = PairComparison.Compare(matrix[KeyedVectors.Row(matrix, vectorsFile, a)], matrix[KeyedVectors.Row(matrix, vectorsFile, b)], metrics);
            Render(a, b, vectorsFile, found, json);
            return Cli.Ok;
        }
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
            using var generator = Models.Create(model);
            var vectors = generator.Embed([a, b]);
            (va, vb) = (vectors[0], vectors[1]);
            source = generator.Name;
        }

        Render(a, b, source, PairComparison.Compare(va, vb, metrics), json);
        return Cli.Ok;
    }

    static void Render(string a, string b, string source, PairComparison comparison, bool json)
    {
        if (json)
            CompareRenderer.WriteJson(Console.Out, a, b, source, comparison);
        else
            CompareRenderer.WriteTable(a, b, source, comparison);
    }
}
