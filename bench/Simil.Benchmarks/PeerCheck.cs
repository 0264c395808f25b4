using System.Numerics.Tensors;

namespace Simil.Benchmarks;

/// <summary>
/// Before timing anything, checks that every peer computes the same thing as Simil on the same
/// data (and that the NumKong entry points have the signatures declared), printing the values.
/// </summary>
static unsafe class PeerCheck
{
    public static int Run()
    {
        var random = new Random(1);
        int failures = 0;
        foreach (int n in new[] { 128, 384, 1023 })
        {
            var a = new float[n];
            var b = new float[n];
            for (int i = 0; i < n; i++) { a[i] = (float)(random.NextDouble() * 2 - 1); b[i] = (float)(random.NextDouble() * 2 - 1); }
            double dot, angular, l2sq;
            fixed (float* pa = a, pb = b)
            {
                NumKong.Dot(pa, pb, (nuint)n, &dot);
                NumKong.Angular(pa, pb, (nuint)n, &angular);
                NumKong.SqEuclidean(pa, pb, (nuint)n, &l2sq);
            }
            float tpDistance = TensorPrimitives.Distance(a, b);
            failures += Check($"dot n={n}", Similarity.Dot(a, b), TensorPrimitives.Dot(a, b), dot);
            failures += Check($"cosine n={n}", Similarity.Cosine(a, b), TensorPrimitives.CosineSimilarity(a, b), 1 - angular);
            failures += Check($"l2sq n={n}", Similarity.L2Squared(a, b), tpDistance * tpDistance, l2sq);
        }
        Console.WriteLine($"Simil kernel path: {Similarity.ActiveKernelPath}");
        return failures == 0 ? 0 : 1;
    }

    static int Check(string what, float simil, float tensorPrimitives, double numKong)
    {
        Console.WriteLine($"{what,-14} simil {simil,12:G7}  TensorPrimitives {tensorPrimitives,12:G7}  NumKong {numKong,12:G7}");
        double scale = Math.Max(1, Math.Abs(simil));
        return Math.Abs(simil - tensorPrimitives) <= 1e-4 * scale && Math.Abs(simil - numKong) <= 1e-4 * scale ? 0 : 1;
    }
}
