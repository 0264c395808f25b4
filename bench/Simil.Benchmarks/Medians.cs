namespace Simil.Benchmarks;

/// <summary>The median of timings already taken (upper middle of an even count), shared by the benches that take their own.</summary>
static class Medians
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
