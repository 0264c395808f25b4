using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// The Manhattan distance <c>Σ |aᵢ−bᵢ|</c>; lower means closer. Within 1e-6 relative of the
    /// float64 result.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float L1(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return (float)Reduce.Run<L1Operator>(a, b);
    }

    /// <summary>The Manhattan distance in float64.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double L1(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckLengths(a.Length, b.Length);
        return Reduce64.Run<L1Operator64>(a, b);
    }
}
