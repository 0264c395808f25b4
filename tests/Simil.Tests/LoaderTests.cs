using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Simil.Kernels;

namespace Simil.Tests;

/// <summary>
/// The loop skeletons are generic over what they load: a widening loader written here (int16 →
/// float32 lanes, exact) runs through the same Reduce and CosineKernel loops at every width and
/// length, and matches a float64 reference. A new element type is a loader and tests like these.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class LoaderTests
{
    /// <summary>Each width loads exactly W elements (never past the span's end) and widens them.</summary>
    readonly struct Int16Loader : IElementLoader<short>
    {
        public static float Load(ref short source, nuint index) => Unsafe.Add(ref source, index);

        public static Vector128<float> Load128(ref short source, nuint index) =>
            Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.Create(Vector64.LoadUnsafe(ref source, index), Vector64<short>.Zero)));

        public static Vector256<float> Load256(ref short source, nuint index) =>
            Vector256.ConvertToSingle(Vector256.WidenLower(Vector256.Create(Vector128.LoadUnsafe(ref source, index), Vector128<short>.Zero)));

        public static Vector512<float> Load512(ref short source, nuint index)
        {
            var v = Vector256.LoadUnsafe(ref source, index);
            return Vector512.ConvertToSingle(Vector512.Create(Vector256.WidenLower(v), Vector256.WidenUpper(v)));
        }
    }

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 257; n++) data.Add(n);
        data.Add(1023);
        data.Add(4096);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void A_widening_loader_runs_through_every_skeleton(int length)
    {
        var random = new Random(length + 5);
        var a = new short[length];
        var b = new short[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
            b[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }
        double dot = 0, l2 = 0, l1 = 0, aa = 0, bb = 0, magnitude = 0;
        for (int i = 0; i < length; i++)
        {
            dot += (double)a[i] * b[i];
            magnitude += Math.Abs((double)a[i] * b[i]);
            l2 += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
            l1 += Math.Abs((double)a[i] - b[i]);
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        Assert.InRange(Reduce.Run<DotOperator, Int16Loader, short>(a, b) - dot, -1e-6 * magnitude, 1e-6 * magnitude);
        Assert.InRange(Reduce.Run<L2SquaredOperator, Int16Loader, short>(a, b) - l2, -1e-6 * l2, 1e-6 * l2);
        Assert.InRange(Reduce.Run<L1Operator, Int16Loader, short>(a, b) - l1, -1e-6 * l1, 1e-6 * l1);
        var (sumDot, sumA, sumB) = CosineKernel.Sums<Int16Loader, short>(a, b);
        Assert.InRange(sumDot - dot, -1e-6 * magnitude, 1e-6 * magnitude);
        Assert.InRange(sumA - aa, -1e-6 * aa, 1e-6 * aa);
        Assert.InRange(sumB - bb, -1e-6 * bb, 1e-6 * bb);
    }
}
