using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// The dot product of float16 vectors: every element widened exactly to float32, then the
    /// float32 kernel's loop and accuracy (within 1e-6 × <c>Σ|aᵢbᵢ|</c> of the float64 result of
    /// the widened values).
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Dot(ReadOnlySpan<Half> a, ReadOnlySpan<Half> b)
    {
        CheckLengths(a.Length, b.Length);
        return (float)Reduce.Run<DotOperator, Float16Loader, Half>(a, b);
    }

    /// <summary>Cosine similarity of float16 vectors, as <see cref="Cosine(ReadOnlySpan{float}, ReadOnlySpan{float})"/> on the widened values.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Cosine(ReadOnlySpan<Half> a, ReadOnlySpan<Half> b)
    {
        CheckLengths(a.Length, b.Length);
        var (dot, normA, normB) = CosineKernel.Sums<Float16Loader, Half>(a, b);
        return (float)CosineKernel.FromSums(dot, normA, normB);
    }

    /// <summary>Squared Euclidean distance of float16 vectors, on the widened values.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float L2Squared(ReadOnlySpan<Half> a, ReadOnlySpan<Half> b)
    {
        CheckLengths(a.Length, b.Length);
        return (float)Reduce.Run<L2SquaredOperator, Float16Loader, Half>(a, b);
    }
}
