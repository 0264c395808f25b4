using Simil.IO;
using ScottPlot;
using Simil.Analysis;

namespace Simil.Cli.Rendering;

/// <summary>The evidence of an <see cref="Advice"/> as a picture: the length histogram and the agreement between the measures.</summary>
static class AdvicePlot
{
    public static void Save(string path, Advice advice, EmbeddingMatrix vectors)
    {
        if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
            throw new InputException($"--plot: '{path}' must be a .png file");
        // Every row's length (cheap); the agreement comes from the advice's sample.
        var norms = Enumerable.Range(0, vectors.Count).Select(i => Math.Sqrt(Similarity.Dot(vectors[i], vectors[i]))).ToArray();

        var multi = new Multiplot();
        multi.AddPlots(2);
        var lengths = multi.GetPlot(0);
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(30, norms);
        lengths.Add.Histogram(histogram);
        lengths.Title("row lengths");
        lengths.XLabel("‖v‖");
        lengths.YLabel("rows");

        var agreement = multi.GetPlot(1);
        var bars = advice.Agreements.Select((g, i) => new Bar { Position = i, Value = g.Overlap, FillColor = Colors.SteelBlue }).ToArray();
        agreement.Add.Bars(bars);
        agreement.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. advice.Agreements.Select((_, i) => (double)i)], [.. advice.Agreements.Select(g => $"{g.A.Name()}–{g.B.Name()}")]);
        agreement.Axes.SetLimitsY(0, 1.05);
        agreement.Title($"top-{Advice.K} overlap between measures");
        agreement.YLabel("overlap");
        try
        {
            AtomicFile.WriteFile(path, temporary => multi.SavePng(temporary, 1100, 450));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--plot: cannot write '{path}': {e.Message}");
        }
    }
}
