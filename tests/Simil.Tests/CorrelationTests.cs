using Simil.Analysis;

namespace Simil.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public void Pearson_and_Spearman_match_scipy_with_ties()
    {
        // scipy.stats.pearsonr / spearmanr on the same data: 0.9482227424932008, 0.8676470588235294.
        double[] x = [1, 2, 2, 3, 5.5, 0], y = [2, 1, 4, 4, 9, -1];
        Assert.Equal(0.9482227424932008, Correlation.Pearson(x, y), 1e-15);
        Assert.Equal(0.8676470588235294, Correlation.Spearman(x, y), 1e-15);
        Assert.Equal([2.5, 2.5, 1, 4], Correlation.Ranks([3.0, 3, 1, 7]));
    }

    [Fact]
    public void Constant_or_short_series_give_NaN_and_lengths_must_match()
    {
        Assert.True(double.IsNaN(Correlation.Pearson([1.0, 1, 1], [1.0, 2, 3])));
        Assert.True(double.IsNaN(Correlation.Pearson([1.0], [2.0])));
        Assert.Throws<ArgumentException>(() => Correlation.Pearson([1.0, 2], [1.0]));
    }
}
