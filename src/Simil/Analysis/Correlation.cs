namespace Simil.Analysis;

/// <summary>Pearson's and Spearman's correlation coefficients, computed in float64 as SciPy computes them.</summary>
public static class Correlation
{
    /// <summary>Pearson's r; NaN when either series is constant or shorter than 2.</summary>
    /// <exception cref="ArgumentException">The series have different lengths.</exception>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            Throw.LengthMismatch(x.Count, y.Count);
        int n = x.Count;
        if (n < 2)
            return double.NaN;
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }

    /// <summary>Spearman's ρ: Pearson's r of the ranks, ties given their average rank.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>1-based ranks, ties sharing the average of the ranks they span.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
                j++;
            double average = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++)
                ranks[order[t]] = average;
            i = j + 1;
        }
        return ranks;
    }
}
