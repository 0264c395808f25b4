using Simil.IO;
using ScottPlot;

namespace Simil.Cli.Rendering;

/// <summary>A labelled heatmap of an all-pairs matrix, with a colour scale, drawn with ScottPlot.</summary>
static class HeatmapPlot
{
    /// <summary>Rows and columns get their keys as labels up to this many; beyond it, row numbers.</summary>
    public const int MaxLabels = 50;

    public static void Save(string path, ScoreMatrix result, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys, Metric metric)
    {
        if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
            throw new InputException($"--plot: '{path}' must be a .png file");
        int rows = result.Rows, columns = result.Columns;
        var data = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                data[i, j] = result[i, j];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = metric.HigherIsCloser() ? new ScottPlot.Colormaps.Viridis() : new ScottPlot.Colormaps.Viridis().Reversed();
        // Cell (i, j) covers [j, j+1] × [rows−i−1, rows−i]: row 0 at the top, as in the matrix.
        heatmap.Extent = new CoordinateRect(0, columns, 0, rows);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = $"{metric.Name()} ({(metric.HigherIsCloser() ? "higher" : "lower")} is closer)";

        // Rows carry their keys, numbered; columns carry the numbers (as in the table output).
        plot.Axes.Bottom.TickGenerator = Ticks(null, columns, fromTop: false);
        plot.Axes.Left.TickGenerator = Ticks(rowKeys, rows, fromTop: true);
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Title($"{metric.Name()}, {rows} × {columns}");

        int cell = Math.Clamp(900 / Math.Max(rows, columns), 4, 40);
        int width = Math.Max(500, columns * cell + 360), height = Math.Max(400, rows * cell + 260);
        try
        {
            AtomicFile.WriteFile(path, temporary => plot.SavePng(temporary, width, height));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--plot: cannot write '{path}': {e.Message}");
        }
    }

    static ScottPlot.TickGenerators.NumericManual Ticks(IReadOnlyList<string>? keys, int count, bool fromTop)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        bool labelled = keys is not null && count <= MaxLabels;
        int step = count <= MaxLabels ? 1 : Math.Max(1, count / 10);
        for (int i = 0; i < count; i += step)
        {
            double position = fromTop ? count - i - 0.5 : i + 0.5;
            var number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            ticks.AddMajor(position, labelled ? $"{number}. {MatrixRenderer.Label(keys, i)}" : number);
        }
        return ticks;
    }
}
