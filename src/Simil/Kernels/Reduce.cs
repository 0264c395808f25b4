using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// The loop skeleton of every single-accumulator reduction (<see cref="DotOperator"/>,
/// <see cref="L2SquaredOperator"/>, <see cref="L1Operator"/>), written once per width.
/// <para>
/// Accuracy: four float32 vector accumulators take at most <see cref="BlockIterations"/> unrolled
/// steps, then fold into float64 lanes; so each float32 lane sums at most ~16 terms and the
/// result stays within 1e-6 of <c>Σ|terms|</c> at any length, at almost no cost.
/// </para>
/// <para>
/// The last partial vector is loaded overlapping the previous one and masked, not finished in a
/// scalar loop; inputs shorter than one vector fall through to the next narrower width.
/// </para>
/// </summary>
static class Reduce
{
    /// <summary>Unrolled steps (four vectors each) per float32 block before folding into float64.</summary>
    internal const int BlockIterations = 16;

    /// <summary>Reduces <paramref name="a"/> and <paramref name="b"/> (equal lengths, checked by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Run<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b) where TOp : struct, IReduceOperator
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length;
        return KernelDispatch.Active switch
        {
            KernelPath.Vector512 => V512<TOp>(ref ra, ref rb, n),
            KernelPath.Vector256 => V256<TOp>(ref ra, ref rb, n),
            KernelPath.Vector128 => V128<TOp>(ref ra, ref rb, n),
            _ => Scalar<TOp>(ref ra, ref rb, n),
        };
    }

    internal static double Scalar<TOp>(ref float a, ref float b, nuint n) where TOp : struct, IReduceOperator
    {
        double acc = 0;
        for (nuint i = 0; i < n; i++)
            acc = TOp.Invoke(acc, Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
        return acc;
    }

    internal static double V128<TOp>(ref float a, ref float b, nuint n) where TOp : struct, IReduceOperator
    {
        const int W = 4;
        if (n < W)
            return Scalar<TOp>(ref a, ref b, n);
        var lo = Vector128<double>.Zero;
        var hi = Vector128<double>.Zero;
        nuint i = 0;
        while (true)
        {
            nuint end = Math.Min(n, i + 4 * W * BlockIterations);
            var s0 = Vector128<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (; i + 4 * W <= end; i += 4 * W)
            {
                s0 = TOp.Invoke(s0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
                s1 = TOp.Invoke(s1, Vector128.LoadUnsafe(ref a, i + W), Vector128.LoadUnsafe(ref b, i + W));
                s2 = TOp.Invoke(s2, Vector128.LoadUnsafe(ref a, i + 2 * W), Vector128.LoadUnsafe(ref b, i + 2 * W));
                s3 = TOp.Invoke(s3, Vector128.LoadUnsafe(ref a, i + 3 * W), Vector128.LoadUnsafe(ref b, i + 3 * W));
            }
            for (; i + W <= end; i += W)
                s0 = TOp.Invoke(s0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
            bool last = end == n;
            if (last && i < n)
            {
                var mask = TailMask.Load128(n - i);
                s1 = TOp.Invoke(s1, Vector128.LoadUnsafe(ref a, n - W) & mask, Vector128.LoadUnsafe(ref b, n - W) & mask);
            }
            var s = (s0 + s1) + (s2 + s3);
            lo += Vector128.WidenLower(s);
            hi += Vector128.WidenUpper(s);
            if (last)
                return Vector128.Sum(lo + hi);
        }
    }

    internal static double V256<TOp>(ref float a, ref float b, nuint n) where TOp : struct, IReduceOperator
    {
        const int W = 8;
        if (n < W)
            return V128<TOp>(ref a, ref b, n);
        var lo = Vector256<double>.Zero;
        var hi = Vector256<double>.Zero;
        nuint i = 0;
        while (true)
        {
            nuint end = Math.Min(n, i + 4 * W * BlockIterations);
            var s0 = Vector256<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (; i + 4 * W <= end; i += 4 * W)
            {
                s0 = TOp.Invoke(s0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
                s1 = TOp.Invoke(s1, Vector256.LoadUnsafe(ref a, i + W), Vector256.LoadUnsafe(ref b, i + W));
                s2 = TOp.Invoke(s2, Vector256.LoadUnsafe(ref a, i + 2 * W), Vector256.LoadUnsafe(ref b, i + 2 * W));
                s3 = TOp.Invoke(s3, Vector256.LoadUnsafe(ref a, i + 3 * W), Vector256.LoadUnsafe(ref b, i + 3 * W));
            }
            for (; i + W <= end; i += W)
                s0 = TOp.Invoke(s0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            bool last = end == n;
            if (last && i < n)
            {
                var mask = TailMask.Load256(n - i);
                s1 = TOp.Invoke(s1, Vector256.LoadUnsafe(ref a, n - W) & mask, Vector256.LoadUnsafe(ref b, n - W) & mask);
            }
            var s = (s0 + s1) + (s2 + s3);
            lo += Vector256.WidenLower(s);
            hi += Vector256.WidenUpper(s);
            if (last)
                return Vector256.Sum(lo + hi);
        }
    }

    internal static double V512<TOp>(ref float a, ref float b, nuint n) where TOp : struct, IReduceOperator
    {
        const int W = 16;
        if (n < W)
            return V256<TOp>(ref a, ref b, n);
        var lo = Vector512<double>.Zero;
        var hi = Vector512<double>.Zero;
        nuint i = 0;
        while (true)
        {
            nuint end = Math.Min(n, i + 4 * W * BlockIterations);
            var s0 = Vector512<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (; i + 4 * W <= end; i += 4 * W)
            {
                s0 = TOp.Invoke(s0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
                s1 = TOp.Invoke(s1, Vector512.LoadUnsafe(ref a, i + W), Vector512.LoadUnsafe(ref b, i + W));
                s2 = TOp.Invoke(s2, Vector512.LoadUnsafe(ref a, i + 2 * W), Vector512.LoadUnsafe(ref b, i + 2 * W));
                s3 = TOp.Invoke(s3, Vector512.LoadUnsafe(ref a, i + 3 * W), Vector512.LoadUnsafe(ref b, i + 3 * W));
            }
            for (; i + W <= end; i += W)
                s0 = TOp.Invoke(s0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
            bool last = end == n;
            if (last && i < n)
            {
                var mask = TailMask.Load512(n - i);
                s1 = TOp.Invoke(s1, Vector512.LoadUnsafe(ref a, n - W) & mask, Vector512.LoadUnsafe(ref b, n - W) & mask);
            }
            var s = (s0 + s1) + (s2 + s3);
            lo += Vector512.WidenLower(s);
            hi += Vector512.WidenUpper(s);
            if (last)
                return Vector512.Sum(lo + hi);
        }
    }
}
