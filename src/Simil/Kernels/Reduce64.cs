using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// The float64 reduction skeleton behind the double overloads of <see cref="Similarity"/>: four
/// vector accumulators, the last 1..W elements taken first as one masked overlapping vector, the
/// next narrower width for short inputs. Float64 accumulation needs no block folding.
/// </summary>
static class Reduce64
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Run<TOp>(ReadOnlySpan<double> a, ReadOnlySpan<double> b) where TOp : struct, IReduceOperator64
    {
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length;
        return KernelDispatch.Active switch
        {
            KernelPath.Vector512 => V512<TOp>(ref ra, ref rb, n),
            KernelPath.Vector256 => V256<TOp>(ref ra, ref rb, n),
            KernelPath.Vector128 => V128<TOp>(ref ra, ref rb, n),
            _ => Scalar<TOp>(ref ra, ref rb, n),
        };
    }

    internal static double Scalar<TOp>(ref double a, ref double b, nuint n) where TOp : struct, IReduceOperator64
    {
        double acc = 0;
        for (nuint i = 0; i < n; i++)
            acc = TOp.Invoke(acc, Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
        return acc;
    }

    internal static double V128<TOp>(ref double a, ref double b, nuint n) where TOp : struct, IReduceOperator64
    {
        const int W = 2;
        if (n < W)
            return Scalar<TOp>(ref a, ref b, n);
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load128Of64(tail);
        var s1 = TOp.Invoke(Vector128<double>.Zero, Vector128.LoadUnsafe(ref a, n - W) & mask, Vector128.LoadUnsafe(ref b, n - W) & mask);
        var s0 = Vector128<double>.Zero; var s2 = s0; var s3 = s0;
        nuint i = 0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            s0 = TOp.Invoke(s0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
            s1 = TOp.Invoke(s1, Vector128.LoadUnsafe(ref a, i + W), Vector128.LoadUnsafe(ref b, i + W));
            s2 = TOp.Invoke(s2, Vector128.LoadUnsafe(ref a, i + 2 * W), Vector128.LoadUnsafe(ref b, i + 2 * W));
            s3 = TOp.Invoke(s3, Vector128.LoadUnsafe(ref a, i + 3 * W), Vector128.LoadUnsafe(ref b, i + 3 * W));
        }
        if (i < m)
        {
            s0 = TOp.Invoke(s0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
            if (i + W < m)
            {
                s2 = TOp.Invoke(s2, Vector128.LoadUnsafe(ref a, i + W), Vector128.LoadUnsafe(ref b, i + W));
                if (i + 2 * W < m)
                    s3 = TOp.Invoke(s3, Vector128.LoadUnsafe(ref a, i + 2 * W), Vector128.LoadUnsafe(ref b, i + 2 * W));
            }
        }
        return Vector128.Sum((s0 + s1) + (s2 + s3));
    }

    internal static double V256<TOp>(ref double a, ref double b, nuint n) where TOp : struct, IReduceOperator64
    {
        const int W = 4;
        if (n < W)
            return V128<TOp>(ref a, ref b, n);
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load256Of64(tail);
        var s1 = TOp.Invoke(Vector256<double>.Zero, Vector256.LoadUnsafe(ref a, n - W) & mask, Vector256.LoadUnsafe(ref b, n - W) & mask);
        var s0 = Vector256<double>.Zero; var s2 = s0; var s3 = s0;
        nuint i = 0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            s0 = TOp.Invoke(s0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            s1 = TOp.Invoke(s1, Vector256.LoadUnsafe(ref a, i + W), Vector256.LoadUnsafe(ref b, i + W));
            s2 = TOp.Invoke(s2, Vector256.LoadUnsafe(ref a, i + 2 * W), Vector256.LoadUnsafe(ref b, i + 2 * W));
            s3 = TOp.Invoke(s3, Vector256.LoadUnsafe(ref a, i + 3 * W), Vector256.LoadUnsafe(ref b, i + 3 * W));
        }
        if (i < m)
        {
            s0 = TOp.Invoke(s0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            if (i + W < m)
            {
                s2 = TOp.Invoke(s2, Vector256.LoadUnsafe(ref a, i + W), Vector256.LoadUnsafe(ref b, i + W));
                if (i + 2 * W < m)
                    s3 = TOp.Invoke(s3, Vector256.LoadUnsafe(ref a, i + 2 * W), Vector256.LoadUnsafe(ref b, i + 2 * W));
            }
        }
        return Vector256.Sum((s0 + s1) + (s2 + s3));
    }

    internal static double V512<TOp>(ref double a, ref double b, nuint n) where TOp : struct, IReduceOperator64
    {
        const int W = 8;
        if (n < W)
            return V256<TOp>(ref a, ref b, n);
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load512Of64(tail);
        var s1 = TOp.Invoke(Vector512<double>.Zero, Vector512.LoadUnsafe(ref a, n - W) & mask, Vector512.LoadUnsafe(ref b, n - W) & mask);
        var s0 = Vector512<double>.Zero; var s2 = s0; var s3 = s0;
        nuint i = 0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            s0 = TOp.Invoke(s0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
            s1 = TOp.Invoke(s1, Vector512.LoadUnsafe(ref a, i + W), Vector512.LoadUnsafe(ref b, i + W));
            s2 = TOp.Invoke(s2, Vector512.LoadUnsafe(ref a, i + 2 * W), Vector512.LoadUnsafe(ref b, i + 2 * W));
            s3 = TOp.Invoke(s3, Vector512.LoadUnsafe(ref a, i + 3 * W), Vector512.LoadUnsafe(ref b, i + 3 * W));
        }
        if (i < m)
        {
            s0 = TOp.Invoke(s0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
            if (i + W < m)
            {
                s2 = TOp.Invoke(s2, Vector512.LoadUnsafe(ref a, i + W), Vector512.LoadUnsafe(ref b, i + W));
                if (i + 2 * W < m)
                    s3 = TOp.Invoke(s3, Vector512.LoadUnsafe(ref a, i + 2 * W), Vector512.LoadUnsafe(ref b, i + 2 * W));
            }
        }
        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }
}
