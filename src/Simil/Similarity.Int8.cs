using Simil.Kernels;
using Simil.Kernels.Bits;
using Simil.Kernels.Int8;

namespace Simil;

public static partial class Similarity
{
    /// <summary>The dot product of int8 vectors, exact (a 64-bit integer: no length can overflow it).</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static long Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckLengths(a.Length, b.Length);
        return Int8Kernel.Dot(a, b);
    }

    /// <summary>The squared Euclidean distance of int8 vectors, exact.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static long L2Squared(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckLengths(a.Length, b.Length);
        return Int8Kernel.L2Squared(a, b);
    }

    /// <summary>
    /// Cosine similarity of int8 vectors: the three sums exact, then the division and square roots
    /// in float64, rounded once; 0 when either vector is zero.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Cosine(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckLengths(a.Length, b.Length);
        return (float)CosineKernel.FromSums(Int8Kernel.Dot(a, b), Int8Kernel.Dot(a, a), Int8Kernel.Dot(b, b));
    }

    /// <summary>The Hamming distance of packed bit vectors: how many bits differ (exact).</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static long Hamming(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        CheckLengths(a.Length, b.Length);
        return HammingKernel.Distance(a, b);
    }
}
