using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// The Euclidean distance <c>√Σ (aᵢ−bᵢ)²</c>; lower means closer. The square root is taken of
    /// the float64 sum. Within 1e-6 relative of the float64 result.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float L2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return (float)Math.Sqrt(Reduce.Run<L2SquaredOperator>(a, b));
    }

    /// <summary>The Euclidean distance in float64.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double L2(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Math.Sqrt(L2Squared(a, b));
}
