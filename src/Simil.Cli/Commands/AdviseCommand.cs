using System.CommandLine;
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
            Rendering.AdviceRenderer.WriteJson(advice);
        else
            Rendering.AdviceRenderer.WriteReport(advice, file);
        return Cli.Ok;
    }
}
