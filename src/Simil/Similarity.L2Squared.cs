using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// The squared Euclidean distance <c>Σ (aᵢ−bᵢ)²</c>, computed from the differences (not as
    /// <c>‖a‖² + ‖b‖² − 2a·b</c>, which loses everything for near-identical vectors); lower means
    /// closer. Within 1e-6 relative of the float64 result.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float L2Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return (float)Reduce.Run<L2SquaredOperator>(a, b);
    }

    /// <summary>The squared Euclidean distance in float64, from the differences.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double L2Squared(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckLengths(a.Length, b.Length);
        return Reduce64.Run<L2SquaredOperator64>(a, b);
    }
}
