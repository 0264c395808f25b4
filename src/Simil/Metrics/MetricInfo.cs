using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Simil;

/// <summary>
/// Names, aliases and orientation of each <see cref="Metric"/>, and parsing from the names the
/// command line uses (<c>dot</c>, <c>cos</c>, <c>l2sq</c>, …).
/// </summary>
public static class MetricInfo
{
    static readonly (Metric Metric, string Name, string[] Aliases, bool HigherIsCloser)[] s_table =
    [
        (Metric.Dot, "dot", ["ip", "inner", "dot-product"], true),
        (Metric.Cosine, "cosine", ["cos"], true),
        (Metric.L2Squared, "l2sq", ["sqeuclidean", "euclidean-squared"], false),
        (Metric.L2, "l2", ["euclidean"], false),
        (Metric.CosineDistance, "cosine-distance", [], false),
        (Metric.NegativeDot, "neg-dot", [], false),
        (Metric.L1, "l1", ["manhattan", "cityblock"], false),
    ];

    static readonly FrozenDictionary<string, Metric> s_byName = s_table
        .SelectMany(e => e.Aliases.Prepend(e.Name).Select(n => KeyValuePair.Create(n, e.Metric)))
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every metric, in the order of the design's table.</summary>
    public static IReadOnlyList<Metric> All { get; } = [.. s_table.Select(e => e.Metric)];

    /// <summary>The three measures that <c>all</c> stands for: dot, cosine and l2sq.</summary>
    public static IReadOnlyList<Metric> Primary { get; } = [Metric.Dot, Metric.Cosine, Metric.L2Squared];

    /// <summary>The canonical command-line name, e.g. <c>l2sq</c> for <see cref="Metric.L2Squared"/>.</summary>
    public static string Name(this Metric metric) => Entry(metric).Name;

    /// <summary>Other names accepted for the metric, e.g. <c>cos</c> for cosine.</summary>
    public static IReadOnlyList<string> Aliases(this Metric metric) => Entry(metric).Aliases;

    /// <summary>True when a higher score means the vectors are closer (dot, cosine); false for distances.</summary>
    public static bool HigherIsCloser(this Metric metric) => Entry(metric).HigherIsCloser;

    /// <summary>Parses a canonical name or alias, ignoring case.</summary>
    /// <exception cref="ArgumentException">The name is not a metric; the message lists the valid names.</exception>
    public static Metric Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out var metric)
            ? metric
            : throw new ArgumentException($"unknown metric '{name}'; valid metrics: {ValidNames}", nameof(name));
    }

    /// <summary>Parses a canonical name or alias, ignoring case; false when the name is not a metric.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out Metric metric)
    {
        metric = default;
        return name is not null && s_byName.TryGetValue(name.Trim(), out metric);
    }

    /// <summary>The valid names, each with its aliases in parentheses, for error and help text.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_table.Select(e =>
        e.Aliases.Length == 0 ? e.Name : $"{e.Name} ({string.Join(", ", e.Aliases)})"));

    static ref readonly (Metric Metric, string Name, string[] Aliases, bool HigherIsCloser) Entry(Metric metric)
    {
        if ((uint)metric >= (uint)s_table.Length)
            Throw.ArgumentOutOfRange(nameof(metric), $"{metric} is not a metric");
        return ref s_table[(int)metric];
    }
}
