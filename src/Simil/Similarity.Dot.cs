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
}
