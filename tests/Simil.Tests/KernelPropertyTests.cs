using CsCheck;

namespace Simil.Tests;

/// <summary>Invariants of the metrics, over random vectors of random lengths (CsCheck).</summary>
[Trait("Category", "Kernel")]
public sealed class KernelPropertyTests
{
    static readonly Gen<float> Value = Gen.Float[-1000f, 1000f];

    /// <summary>Two vectors of the same random length 0..300.</summary>
    static readonly Gen<(float[] A, float[] B)> Pair =
        Gen.Int[0, 300].SelectMany(n => Gen.Select(Value.Array[n], Value.Array[n]));

    [Fact]
    public void Every_metric_is_symmetric() =>
        Pair.Sample(p =>
        {
            foreach (var metric in MetricInfo.All)
                Assert.Equal(Similarity.Compute(metric, p.A, p.B), Similarity.Compute(metric, p.B, p.A));
        });

    [Fact]
    public void Cosine_stays_within_minus_one_and_one() =>
        Pair.Sample(p =>
        {
            Assert.InRange(Similarity.Cosine(p.A, p.B), -1f, 1f);
            Assert.InRange(Similarity.Cosine(p.A, p.A), -1f, 1f);
        });

    [Fact]
    public void Distances_are_never_negative() =>
        Pair.Sample(p =>
        {
            Assert.True(Similarity.L2Squared(p.A, p.B) >= 0);
            Assert.True(Similarity.L2(p.A, p.B) >= 0);
            Assert.True(Similarity.L1(p.A, p.B) >= 0);
            Assert.True(Similarity.CosineDistance(p.A, p.B) >= 0);
        });

    [Fact]
    public void A_vector_is_at_distance_zero_from_itself() =>
        Pair.Sample(p =>
        {
            Assert.Equal(0f, Similarity.L2Squared(p.A, p.A));
            Assert.Equal(0f, Similarity.L1(p.A, p.A));
        });

    [Fact]
    public void Unit_vectors_give_l2sq_equal_to_two_minus_two_cosine() =>
        Pair.Where(p => p.A.Length > 0 && p.A.Any(x => x != 0) && p.B.Any(x => x != 0))
            .Sample(p =>
            {
                var a = Normalize(p.A);
                var b = Normalize(p.B);
                double cosine = Similarity.Cosine(a, b);
                Assert.InRange(Similarity.L2Squared(a, b) - (2 - 2 * cosine), -1e-5, 1e-5);
                Assert.InRange(Similarity.Dot(a, b) - cosine, -1e-5, 1e-5);
            });

    [Fact]
    public void A_zero_vector_gives_cosine_zero() =>
        Value.Array[0, 300].Sample(v =>
        {
            var zero = new float[v.Length];
            Assert.Equal(0f, Similarity.Cosine(zero, v));
            Assert.Equal(0f, Similarity.Cosine(v, zero));
        });

    static float[] Normalize(float[] v)
    {
        double norm = Math.Sqrt(Reference.Dot(v, v));
        return [.. v.Select(x => (float)(x / norm))];
    }
}
