using System.Globalization;
using Simil.Analysis;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary><c>advise</c>'s result: the measured figures as a table and the verdict in a panel, or one JSON document.</summary>
static class AdviceRenderer
{
    public static void WriteReport(Advice a, string file)
    {
        var c = CultureInfo.InvariantCulture;
        Console.Out.WriteLine($"{file} · {a.Rows:N0} rows, {a.SampleSize:N0} measured (seed {a.Seed})");
        var figures = new Table { Border = TableBorder.Rounded }.AddColumn("measured").AddColumn("value");
        figures.AddRow("length min / median / max", string.Create(c, $"{a.Norms.Min:G4} / {a.Norms.Median:G4} / {a.Norms.Max:G4}"));
        figures.AddRow("length coefficient of variation", a.Norms.CoefficientOfVariation.ToString("F3", c));
        figures.AddRow($"unit length (±{UnitLength.Tolerance})", a.Norms.UnitLength ? "yes" : "no");
        foreach (var g in a.Agreements)
            figures.AddRow($"{g.A.Name()} vs {g.B.Name()}: top-{Advice.K} overlap, Kendall τ", string.Create(c, $"{g.Overlap:P0}, {g.KendallTau:F2}"));
        figures.AddRow("length vs. being a neighbour: r under dot / cosine", string.Create(c, $"{a.DotHubCorrelation:F2} / {a.CosineHubCorrelation:F2}"));
        foreach (var acc in a.Accuracies)
            figures.AddRow($"{Advice.K}-NN accuracy under {acc.Metric.Name()}", acc.Accuracy.ToString("P1", c));
        if (!double.IsNaN(a.SeparationRatio))
            figures.AddRow("between ÷ within class distance", a.SeparationRatio.ToString("F2", c));
        AnsiConsole.Console.Write(figures);
        var verdict = a.ComputeAsDot ? "cosine, computed as the dot product" : a.Recommended.Name();
        var panel = new Panel(new Rows(a.Reasons.Select(r => new Text("• " + r))))
        {
            Header = new PanelHeader($"use {verdict} (confidence: {a.Confidence})"),
            Border = BoxBorder.Rounded,
        };
        AnsiConsole.Console.Write(panel);
    }

    public static void WriteJson(Advice a) => JsonOutput.Write(w => AdviceJson.Write(w, a));
}
