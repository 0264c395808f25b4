using System.CommandLine;
using Simil.Cli.Rendering;
using Simil.Embeddings;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary><c>simil matrix A [B]</c>: the metric for every pair of rows of A (and B).</summary>
static class MatrixCommand
{
    static readonly string[] s_formats = ["table", "csv", "tsv", "json", "npy", "txt"];

    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "A file of vectors (any format simil reads) or of texts to embed." };
        var b = new Argument<string?>("B") { Description = "A second file; without it, all pairs of A.", Arity = ArgumentArity.ZeroOrOne };
        var metric = new Option<string>("--metric", "-m") { Description = $"The measure: {MetricInfo.ValidNames}.", DefaultValueFactory = _ => "cosine" };
        var format = new Option<string?>("--format", "-f") { Description = "table (the default on a terminal), csv, tsv, json, npy or txt (whitespace-separated, as numpy.savetxt)." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the matrix to this file (its format from --format, else from the extension)." };
        var plot = new Option<string?>("--plot") { Description = "Draw a heatmap of the matrix to this PNG file (row and column keys as labels up to 50 rows)." };
        var precision = new Option<string>("--precision")
        {
            Description = "auto: float64 input (a float64 .npy or a numeric text matrix) is computed in float64; f32: always float32; f64: always float64.",
            DefaultValueFactory = _ => "auto",
        };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The inputs' format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON document (the same as --format json)." };
        var command = new Command("matrix", "All pairs: the chosen measure between every row of A and every row of B (or of A).")
        {
            a, b, metric, format, output, plot, precision, inputFormat, model, json,
        };
        command.SetAction((parse, token) => Task.FromResult(Run(new Request(
            parse.GetValue(a)!, parse.GetValue(b), parse.GetValue(metric)!, Format(parse.GetValue(format), parse.GetValue(json)), parse.GetValue(output),
            parse.GetValue(plot), parse.GetValue(precision)!, parse.GetValue(inputFormat), parse.GetValue(model)!), token)));
        return command;
    }

    /// <summary>--json is --format json, as every command that prints results has it; both at once must agree.</summary>
    static string? Format(string? format, bool json) =>
        !json ? format
        : format is null || format.Equals("json", StringComparison.OrdinalIgnoreCase) ? "json"
        : throw new InputException("--json", $"asks for JSON but --format asks for {format}; give one of them");

    sealed record Request(string A, string? B, string Metric, string? Format, string? Out, string? Plot, string Precision, string? InputFormat, string Model);

    static int Run(Request request, CancellationToken token)
    {
        var metric = MetricList.One(request.Metric);
        var precision = request.Precision.Trim().ToLowerInvariant() switch
        {
            "auto" or "f32" or "f64" => request.Precision.Trim().ToLowerInvariant(),
            _ => throw new InputException($"--precision: '{request.Precision}' is not auto, f32 or f64"),
        };
        string format = ChooseFormat(request);
        _ = EmbeddingModels.Dimensions(request.Model);   // an unknown model is bad input before any file is read

        LocalEmbeddingGenerator? model = null;
        try
        {
            return Run(request, metric, precision, format, () => model ??= Models.Create(request.Model), token);
        }
        finally
        {
            model?.Dispose();
        }
    }

    static int Run(Request request, Metric metric, string precision, string format, Func<LocalEmbeddingGenerator> generator, CancellationToken token)
    {
        bool keepFloat64 = precision != "f32";
        var left = KeyedVectors.LoadOrEmbed(request.A, request.InputFormat, generator, token, keepFloat64);
        var right = request.B is null ? left : KeyedVectors.LoadOrEmbed(request.B, request.InputFormat, generator, token, keepFloat64);
        if (left.Dimensions != right.Dimensions)
            throw new InputException($"{request.A} has {left.Dimensions} dimensions but {request.B} has {right.Dimensions}; both must have the same");

        bool wide = precision == "f64" || (precision == "auto" && (left.IsFloat64 || right.IsFloat64));
        long cells = (long)left.Count * right.Count;
        if (cells > Array.MaxLength)
            throw new InputException($"{left.Count:N0} × {right.Count:N0} = {cells:N0} cells is more than one matrix can hold");
        var result = Similarity.Matrix(metric, left, right, wide ? ScorePrecision.Float64 : ScorePrecision.Float32);

        if (request.Plot is not null)
            HeatmapPlot.Save(request.Plot, result, left.Keys, right.Keys, metric);
        MatrixRenderer.Write(format, request.Out, result, left.Keys, right.Keys, metric);
        return Cli.Ok;
    }

    static string ChooseFormat(Request request)
    {
        if (request.Format is { } given)
        {
            var name = given.Trim().ToLowerInvariant();
            return s_formats.Contains(name) ? name : throw new InputException($"--format: unknown format '{given}'; valid: {string.Join(", ", s_formats)}");
        }
        if (request.Out is null)
            return "table";
        return Path.GetExtension(request.Out).ToLowerInvariant() switch
        {
            ".npy" => "npy",
            ".csv" => "csv",
            ".tsv" => "tsv",
            ".json" => "json",
            ".txt" => "txt",
            _ => throw new InputException($"--out: cannot tell the format from '{Path.GetFileName(request.Out)}'; give --format"),
        };
    }
}
