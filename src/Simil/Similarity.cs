using Simil.Kernels;

namespace Simil;

/// <summary>
/// Similarity and distance between vectors: exact float32 kernels (SIMD, block-wise float64
/// accumulation) checked against a float64 reference. One operation per file:
/// <c>Similarity.Dot.cs</c>, <c>Similarity.Cosine.cs</c>, …
/// </summary>
/// <remarks>
/// Every kernel takes two spans of equal length and throws <see cref="ArgumentException"/>
/// otherwise: vectors of different lengths are an error, never a truncation. Empty vectors give
/// 0 for every metric (cosine distance: 1). NaN in the input propagates to the result.
/// </remarks>
public static partial class Similarity
{
    /// <summary>The SIMD width this process's kernels use (see <see cref="KernelPath"/>).</summary>
    public static KernelPath ActiveKernelPath => KernelDispatch.Active;

    /// <summary>The CPU features this process's kernels may use (see <see cref="Simil.KernelCapabilities"/>).</summary>
    public static KernelCapabilities KernelCapabilities => KernelDispatch.Capabilities;

    /// <summary>Scores <paramref name="a"/> against <paramref name="b"/> under <paramref name="metric"/>.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not defined.</exception>
    public static float Compute(Metric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => metric switch
    {
        Metric.Dot => Dot(a, b),
        Metric.Cosine => Cosine(a, b),
        Metric.L2Squared => L2Squared(a, b),
        Metric.L2 => L2(a, b),
        Metric.CosineDistance => CosineDistance(a, b),
        Metric.NegativeDot => -Dot(a, b),
        Metric.L1 => L1(a, b),
        _ => ThrowUnknown(metric),
    };

    /// <summary>Scores float64 <paramref name="a"/> against <paramref name="b"/> under <paramref name="metric"/>, in float64.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not defined.</exception>
    public static double Compute(Metric metric, ReadOnlySpan<double> a, ReadOnlySpan<double> b) => metric switch
    {
        Metric.Dot => Dot(a, b),
        Metric.Cosine => Cosine(a, b),
        Metric.L2Squared => L2Squared(a, b),
        Metric.L2 => L2(a, b),
        Metric.CosineDistance => CosineDistance(a, b),
        Metric.NegativeDot => -Dot(a, b),
        Metric.L1 => L1(a, b),
        _ => ThrowUnknown(metric),
    };

    static float ThrowUnknown(Metric metric)
    {
        Throw.ArgumentOutOfRange(nameof(metric), $"{metric} is not a metric");
        return 0;
    }

    static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => CheckLengths(a.Length, b.Length);

    static void CheckLengths(int a, int b)
    {
        if (a != b)
            Throw.LengthMismatch(a, b);
    }
}
