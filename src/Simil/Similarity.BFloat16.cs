using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// The dot product of bfloat16 vectors: every element widened exactly to float32, then the
    /// float32 kernel's loop and accuracy against the float64 result of the widened values.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Dot(ReadOnlySpan<BFloat16> a, ReadOnlySpan<BFloat16> b)
    {
        CheckLengths(a.Length, b.Length);
        return (float)Reduce.Run<DotOperator, BFloat16Loader, BFloat16>(a, b);
    }

    /// <summary>Cosine similarity of bfloat16 vectors, on the widened values.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Cosine(ReadOnlySpan<BFloat16> a, ReadOnlySpan<BFloat16> b)
    {
        CheckLengths(a.Length, b.Length);
        var (dot, normA, normB) = CosineKernel.Sums<BFloat16Loader, BFloat16>(a, b);
        return (float)CosineKernel.FromSums(dot, normA, normB);
    }

    /// <summary>Squared Euclidean distance of bfloat16 vectors, on the widened values.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float L2Squared(ReadOnlySpan<BFloat16> a, ReadOnlySpan<BFloat16> b)
    {
        CheckLengths(a.Length, b.Length);
        return (float)Reduce.Run<L2SquaredOperator, BFloat16Loader, BFloat16>(a, b);
    }
}
