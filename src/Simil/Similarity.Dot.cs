using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// The dot product <c>Σ aᵢbᵢ</c>; higher means closer. Within 1e-6 × <c>Σ|aᵢbᵢ|</c> of the
    /// float64 result at any length.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return (float)Reduce.Run<DotOperator>(a, b);
    }

    /// <summary>The dot product in float64, for float64 data.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckLengths(a.Length, b.Length);
        return Reduce64.Run<DotOperator64>(a, b);
    }
}
