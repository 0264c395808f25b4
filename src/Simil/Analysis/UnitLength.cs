namespace Simil.Analysis;

/// <summary>
/// What "unit length" means everywhere Simil says it (<c>compare</c>'s notes, <c>advise</c>'s rule):
/// a Euclidean length within <see cref="Tolerance"/> of 1. Within it, cosine and the dot product
/// differ by at most 0.2 % of the dot product, and lengths shown to three decimals read 1.000.
/// </summary>
public static class UnitLength
{
    /// <summary>How far from 1 a length may be.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>True when <paramref name="length"/> (a Euclidean norm, not its square) is within <see cref="Tolerance"/> of 1.</summary>
    public static bool Is(double length) => Math.Abs(length - 1) <= Tolerance;
}
