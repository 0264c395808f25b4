namespace Simil.Cli.Commands;

/// <summary>The <c>--metric</c> value: one measure, or for commands that score several <c>all</c> (dot, cosine, l2sq) or a comma-separated list.</summary>
static class MetricList
{
    /// <summary>One measure by name.</summary>
    public static Metric One(string? name) => MetricInfo.TryParse(name, out var metric) ? metric
        : throw new InputException($"--metric: unknown metric '{name}'; valid metrics: {MetricInfo.ValidNames}");

    public static IReadOnlyList<Metric> Parse(string text)
    {
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase))
            return MetricInfo.Primary;
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
            throw new InputException($"--metric: no metric given; use all or one of {MetricInfo.ValidNames}");
        return [.. names.Select(name => MetricInfo.TryParse(name, out var m)
            ? m
            : throw new InputException($"--metric: unknown metric '{name}'; valid metrics: all, {MetricInfo.ValidNames}")).Distinct()];
    }
}
