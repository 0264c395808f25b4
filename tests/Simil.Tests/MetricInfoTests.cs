namespace Simil.Tests;

public sealed class MetricInfoTests
{
    [Theory]
    [InlineData("dot", Metric.Dot)]
    [InlineData("ip", Metric.Dot)]
    [InlineData("inner", Metric.Dot)]
    [InlineData("dot-product", Metric.Dot)]
    [InlineData("cosine", Metric.Cosine)]
    [InlineData("COS", Metric.Cosine)]
    [InlineData("l2sq", Metric.L2Squared)]
    [InlineData("sqeuclidean", Metric.L2Squared)]
    [InlineData("euclidean-squared", Metric.L2Squared)]
    [InlineData("l2", Metric.L2)]
    [InlineData("euclidean", Metric.L2)]
    [InlineData("cosine-distance", Metric.CosineDistance)]
    [InlineData("neg-dot", Metric.NegativeDot)]
    [InlineData("l1", Metric.L1)]
    [InlineData("manhattan", Metric.L1)]
    [InlineData(" cityblock ", Metric.L1)]
    public void Names_and_aliases_parse(string name, Metric expected) =>
        Assert.Equal(expected, MetricInfo.Parse(name));

    [Fact]
    public void Canonical_names_round_trip_and_orientation_is_right()
    {
        string[] names = ["dot", "cosine", "l2sq", "l2", "cosine-distance", "neg-dot", "l1"];
        bool[] higher = [true, true, false, false, false, false, false];
        Assert.Equal(names, MetricInfo.All.Select(m => m.Name()));
        Assert.Equal(higher, MetricInfo.All.Select(m => m.HigherIsCloser()));
        foreach (var metric in MetricInfo.All)
            Assert.Equal(metric, MetricInfo.Parse(metric.Name()));
        Assert.Equal([Metric.Dot, Metric.Cosine, Metric.L2Squared], MetricInfo.Primary);
    }

    [Theory]
    [InlineData("cosin")]
    [InlineData("")]
    [InlineData("all")]
    public void An_unknown_name_fails_listing_the_valid_ones(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => MetricInfo.Parse(name));
        Assert.Contains($"unknown metric '{name}'", e.Message, StringComparison.Ordinal);
        foreach (var metric in MetricInfo.All)
            Assert.Contains(metric.Name(), e.Message, StringComparison.Ordinal);
        Assert.False(MetricInfo.TryParse(name, out _));
    }

    [Fact]
    public void An_undefined_metric_value_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((Metric)99).Name());
}
