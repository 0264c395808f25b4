namespace Simil.Tests;

/// <summary>Plain float64 definitions of the metrics, the yardstick for every kernel.</summary>
static class Reference
{
    public static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    /// <summary><c>Σ|aᵢbᵢ|</c>: the scale that the dot product's error is measured against.</summary>
    public static double AbsDot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Abs((double)a[i] * b[i]);
        return s;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double na = Dot(a, a), nb = Dot(b, b);
        return na == 0 || nb == 0 ? 0 : Dot(a, b) / Math.Sqrt(na * nb);
    }

    public static double L2Squared(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double d = (double)a[i] - b[i]; s += d * d; }
        return s;
    }

    public static double L1(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Abs((double)a[i] - b[i]);
        return s;
    }

    /// <summary>
    /// Data of mixed magnitude and sign: each value is ±m·10^e with e uniform in [-3, 3], so
    /// large and small terms mix and partial sums cancel.
    /// </summary>
    public static float[] MixedData(Random random, int length)
    {
        var v = new float[length];
        for (int i = 0; i < length; i++)
        {
            double magnitude = Math.Pow(10, random.NextDouble() * 6 - 3) * (0.5 + random.NextDouble());
            v[i] = (float)(random.Next(2) == 0 ? -magnitude : magnitude);
        }
        return v;
    }
}
