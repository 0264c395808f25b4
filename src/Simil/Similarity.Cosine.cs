using Simil.Kernels;

namespace Simil;

public static partial class Similarity
{
    /// <summary>
    /// Cosine similarity <c>a·b / (‖a‖‖b‖)</c> in [-1, 1]; higher means closer. A zero vector is
    /// orthogonal to everything, itself included: its cosine is 0, never NaN. Within 2e-6 of the
    /// float64 result. One pass over the data with three accumulators.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        var (dot, normA, normB) = CosineKernel.Sums(a, b);
        return (float)CosineKernel.FromSums(dot, normA, normB);
    }

    /// <summary>
    /// Cosine distance <c>1 − cosine</c> in [0, 2]; lower means closer. A zero vector gives 1.
    /// </summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        var (dot, normA, normB) = CosineKernel.Sums(a, b);
        return (float)(1.0 - CosineKernel.FromSums(dot, normA, normB));
    }

    /// <summary>Cosine similarity in float64; 0 for a zero vector.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double Cosine(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckLengths(a.Length, b.Length);
        return CosineKernel.FromSums(Reduce64.Run<DotOperator64>(a, b), Reduce64.Run<NormAOperator64>(a, a), Reduce64.Run<NormAOperator64>(b, b));
    }

    /// <summary>Cosine distance <c>1 − cosine</c> in float64; 1 for a zero vector.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double CosineDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => 1.0 - Cosine(a, b);
}
