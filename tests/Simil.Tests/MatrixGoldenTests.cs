using Simil.Testing;
using Simil.IO;

namespace Simil.Tests;

/// <summary>
/// Float64 matrices against SciPy: the golden files in Golden/ were written by
/// <c>make_cdist_golden.py</c> with <c>scipy.spatial.distance.cdist</c>, on rows that include
/// near-identical pairs (relative differences down to 1e-9).
/// </summary>
public sealed class MatrixGoldenTests
{
    static string Golden(string name) => Repository.Path("tests", "Simil.Tests", "Golden", name);

    static EmbeddingMatrix Read(string name) =>
        VectorFile.Read(Golden(name), new VectorReadOptions { KeepFloat64 = true }).Vectors!;

    [Theory]
    [InlineData(Metric.L2Squared, "cdist-sqeuclidean.txt")]
    [InlineData(Metric.L2, "cdist-euclidean.txt")]
    [InlineData(Metric.CosineDistance, "cdist-cosine.txt")]
    [InlineData(Metric.L1, "cdist-cityblock.txt")]
    [InlineData(Metric.Dot, "dot.txt")]
    public void Float64_matrices_agree_with_scipy(Metric metric, string golden)
    {
        var a = Read("a.txt");
        var b = Read("b.txt");
        var expected = Read(golden);
        Assert.True(a.IsFloat64 && b.IsFloat64);
        var actual = new double[a.Count * b.Count];
        Similarity.Matrix(metric, a, b, actual.AsSpan());
        for (int i = 0; i < a.Count; i++)
            for (int j = 0; j < b.Count; j++)
            {
                double want = expected.GetRow64(i)[j], got = actual[i * b.Count + j];
                // 1e-6 relative; the dot product, which cancels, against the scale of its terms.
                double scale = metric == Metric.Dot ? Math.Sqrt(Similarity.Dot(a.GetRow64(i), a.GetRow64(i)) * Similarity.Dot(b.GetRow64(j), b.GetRow64(j))) : Math.Abs(want);
                Assert.True(Math.Abs(got - want) <= 1e-6 * scale, $"{metric} [{i},{j}]: {got:R} vs SciPy {want:R}");
            }
    }

    [Fact]
    public void The_near_identical_pairs_are_really_there()
    {
        // Guards the golden data itself: without its near-duplicates the test above proves little.
        var l2sq = Read("cdist-sqeuclidean.txt");
        var a = Read("a.txt");
        double norm = Similarity.Dot(a.GetRow64(3), a.GetRow64(3));
        Assert.InRange(l2sq.GetRow64(3)[3] / norm, 1e-20, 1e-16);
    }
}
