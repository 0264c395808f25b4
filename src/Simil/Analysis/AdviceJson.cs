using System.Text.Json;

namespace Simil.Analysis;

/// <summary>
/// <see cref="Advice"/> as one JSON document (snake_case, the words of <c>simil advise</c>'s table):
/// what <c>simil advise --json</c> prints and <c>simil serve</c>'s advise endpoint answers.
/// </summary>
public static class AdviceJson
{
    /// <summary>Writes <paramref name="a"/> as one object.</summary>
    public static void Write(Utf8JsonWriter w, Advice a)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(a);
        w.WriteStartObject();
        w.WriteString("recommended", a.Recommended.Name());
        w.WriteBoolean("compute_as_dot", a.ComputeAsDot);
        w.WriteString("confidence", a.Confidence);
        w.WriteStartArray("reasons");
        foreach (var r in a.Reasons) w.WriteStringValue(r);
        w.WriteEndArray();
        w.WriteNumber("rows", a.Rows);
        w.WriteNumber("sample", a.SampleSize);
        w.WriteNumber("seed", a.Seed);
        w.WriteStartObject("norms");
        WriteNumberOrNull(w, "min", a.Norms.Min);
        WriteNumberOrNull(w, "median", a.Norms.Median);
        WriteNumberOrNull(w, "max", a.Norms.Max);
        WriteNumberOrNull(w, "cv", a.Norms.CoefficientOfVariation);
        w.WriteBoolean("unit", a.Norms.UnitLength);
        w.WriteNumber("unit_tolerance", UnitLength.Tolerance);
        w.WriteEndObject();
        w.WriteStartArray("agreement");
        foreach (var g in a.Agreements)
        {
            w.WriteStartObject();
            w.WriteString("a", g.A.Name());
            w.WriteString("b", g.B.Name());
            WriteNumberOrNull(w, "overlap", g.Overlap);
            WriteNumberOrNull(w, "kendall_tau", g.KendallTau);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("hubs");
        // A correlation is undefined (NaN) when every length is the same or too few rows vary: null.
        WriteNumberOrNull(w, "dot", a.DotHubCorrelation);
        WriteNumberOrNull(w, "cosine", a.CosineHubCorrelation);
        w.WriteEndObject();
        if (a.Accuracies.Count > 0)
        {
            w.WriteStartObject("knn_accuracy");
            foreach (var acc in a.Accuracies) WriteNumberOrNull(w, acc.Metric.Name(), acc.Accuracy);
            w.WriteEndObject();
            WriteNumberOrNull(w, "separation_ratio", a.SeparationRatio);
        }
        w.WriteEndObject();
    }

    static void WriteNumberOrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
            w.WriteNumber(name, value);
        else
            w.WriteNull(name);
    }
}
