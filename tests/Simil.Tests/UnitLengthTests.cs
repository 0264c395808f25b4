using Simil.Analysis;

namespace Simil.Tests;

/// <summary><c>compare</c> and <c>advise</c> share one definition of unit length, so they never disagree about the same vectors.</summary>
public sealed class UnitLengthTests
{
    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1.0005, true)]
    [InlineData(0.9995, true)]
    [InlineData(1.005, false)]   // unit to advise (±0.01) but not to compare (±1e-3) before one definition
    [InlineData(0.995, false)]
    [InlineData(2.0, false)]
    public void Compare_and_advise_agree_on_unit_length(double length, bool unit)
    {
        var random = new Random(9);
        int rows = 40, dims = 16;
        var data = new float[rows * dims];
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dims, dims);
            double norm = 0;
            for (int i = 0; i < dims; i++)
            {
                row[i] = (float)(random.NextDouble() * 2 - 1);
                norm += row[i] * (double)row[i];
            }
            for (int i = 0; i < dims; i++)
                row[i] = (float)(row[i] / Math.Sqrt(norm) * length);
        }
        var vectors = EmbeddingMatrix.Create(data, dims);
        Assert.Equal(unit, UnitLength.Is(length));
        Assert.Equal(unit, PairComparison.Compare(vectors[0], vectors[1], [Metric.Dot]).BothUnitLength);
        Assert.Equal(unit, Advice.Analyze(vectors).Norms.UnitLength);
    }
}
