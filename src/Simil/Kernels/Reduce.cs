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
/// The last 1..W elements are loaded first, as one vector overlapping the previous one and masked
/// to its new lanes, not finished in a scalar loop; inputs shorter than one vector fall through to
/// the next narrower width.
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
        const int Block = 4 * W * BlockIterations;
        if (n < W)
            return Scalar<TOp>(ref a, ref b, n);
        // The last 1..W elements first, loaded overlapping at n − W and masked to the new lanes:
        // touching the end early starts its memory fetch early, and the loops below need no tail.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load128(tail);
        var t1 = TOp.Invoke(Vector128<float>.Zero, Vector128.LoadUnsafe(ref a, n - W) & mask, Vector128.LoadUnsafe(ref b, n - W) & mask);
        var lo = Vector128<double>.Zero;
        var hi = Vector128<double>.Zero;
        nuint i = 0;
        // Whole blocks while more than one block remains: no bounds other than the block's.
        for (; m - i > Block; i += Block)
        {
            var s0 = Vector128<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (nuint j = i; j < i + Block; j += 4 * W)
            {
                s0 = TOp.Invoke(s0, Vector128.LoadUnsafe(ref a, j), Vector128.LoadUnsafe(ref b, j));
                s1 = TOp.Invoke(s1, Vector128.LoadUnsafe(ref a, j + W), Vector128.LoadUnsafe(ref b, j + W));
                s2 = TOp.Invoke(s2, Vector128.LoadUnsafe(ref a, j + 2 * W), Vector128.LoadUnsafe(ref b, j + 2 * W));
                s3 = TOp.Invoke(s3, Vector128.LoadUnsafe(ref a, j + 3 * W), Vector128.LoadUnsafe(ref b, j + 3 * W));
            }
            var block = (s0 + s1) + (s2 + s3);
            lo += Vector128.WidenLower(block);
            hi += Vector128.WidenUpper(block);
        }
        // The last block (m − i is a multiple of W): unrolled steps, then up to three single vectors.
        var t0 = Vector128<float>.Zero; var t2 = t0; var t3 = t0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            t0 = TOp.Invoke(t0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
            t1 = TOp.Invoke(t1, Vector128.LoadUnsafe(ref a, i + W), Vector128.LoadUnsafe(ref b, i + W));
            t2 = TOp.Invoke(t2, Vector128.LoadUnsafe(ref a, i + 2 * W), Vector128.LoadUnsafe(ref b, i + 2 * W));
            t3 = TOp.Invoke(t3, Vector128.LoadUnsafe(ref a, i + 3 * W), Vector128.LoadUnsafe(ref b, i + 3 * W));
        }
        // At most three whole vectors remain: each into its own accumulator, not one chain.
        if (i < m)
        {
            t0 = TOp.Invoke(t0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
            if (i + W < m)
            {
                t2 = TOp.Invoke(t2, Vector128.LoadUnsafe(ref a, i + W), Vector128.LoadUnsafe(ref b, i + W));
                if (i + 2 * W < m)
                    t3 = TOp.Invoke(t3, Vector128.LoadUnsafe(ref a, i + 2 * W), Vector128.LoadUnsafe(ref b, i + 2 * W));
            }
        }
        var last = (t0 + t1) + (t2 + t3);
        return Vector128.Sum(lo + Vector128.WidenLower(last) + (hi + Vector128.WidenUpper(last)));
    }

    internal static double V256<TOp>(ref float a, ref float b, nuint n) where TOp : struct, IReduceOperator
    {
        const int W = 8;
        const int Block = 4 * W * BlockIterations;
        if (n < W)
            return V128<TOp>(ref a, ref b, n);
        // The last 1..W elements first, loaded overlapping at n − W and masked to the new lanes:
        // touching the end early starts its memory fetch early, and the loops below need no tail.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load256(tail);
        var t1 = TOp.Invoke(Vector256<float>.Zero, Vector256.LoadUnsafe(ref a, n - W) & mask, Vector256.LoadUnsafe(ref b, n - W) & mask);
        var lo = Vector256<double>.Zero;
        var hi = Vector256<double>.Zero;
        nuint i = 0;
        // Whole blocks while more than one block remains: no bounds other than the block's.
        for (; m - i > Block; i += Block)
        {
            var s0 = Vector256<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (nuint j = i; j < i + Block; j += 4 * W)
            {
                s0 = TOp.Invoke(s0, Vector256.LoadUnsafe(ref a, j), Vector256.LoadUnsafe(ref b, j));
                s1 = TOp.Invoke(s1, Vector256.LoadUnsafe(ref a, j + W), Vector256.LoadUnsafe(ref b, j + W));
                s2 = TOp.Invoke(s2, Vector256.LoadUnsafe(ref a, j + 2 * W), Vector256.LoadUnsafe(ref b, j + 2 * W));
                s3 = TOp.Invoke(s3, Vector256.LoadUnsafe(ref a, j + 3 * W), Vector256.LoadUnsafe(ref b, j + 3 * W));
            }
            var block = (s0 + s1) + (s2 + s3);
            lo += Vector256.WidenLower(block);
            hi += Vector256.WidenUpper(block);
        }
        // The last block (m − i is a multiple of W): unrolled steps, then up to three single vectors.
        var t0 = Vector256<float>.Zero; var t2 = t0; var t3 = t0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            t0 = TOp.Invoke(t0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            t1 = TOp.Invoke(t1, Vector256.LoadUnsafe(ref a, i + W), Vector256.LoadUnsafe(ref b, i + W));
            t2 = TOp.Invoke(t2, Vector256.LoadUnsafe(ref a, i + 2 * W), Vector256.LoadUnsafe(ref b, i + 2 * W));
            t3 = TOp.Invoke(t3, Vector256.LoadUnsafe(ref a, i + 3 * W), Vector256.LoadUnsafe(ref b, i + 3 * W));
        }
        // At most three whole vectors remain: each into its own accumulator, not one chain.
        if (i < m)
        {
            t0 = TOp.Invoke(t0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            if (i + W < m)
            {
                t2 = TOp.Invoke(t2, Vector256.LoadUnsafe(ref a, i + W), Vector256.LoadUnsafe(ref b, i + W));
                if (i + 2 * W < m)
                    t3 = TOp.Invoke(t3, Vector256.LoadUnsafe(ref a, i + 2 * W), Vector256.LoadUnsafe(ref b, i + 2 * W));
            }
        }
        var last = (t0 + t1) + (t2 + t3);
        return Vector256.Sum(lo + Vector256.WidenLower(last) + (hi + Vector256.WidenUpper(last)));
    }

    internal static double V512<TOp>(ref float a, ref float b, nuint n) where TOp : struct, IReduceOperator
    {
        const int W = 16;
        const int Block = 4 * W * BlockIterations;
        if (n < W)
            return V256<TOp>(ref a, ref b, n);
        // The last 1..W elements first, loaded overlapping at n − W and masked to the new lanes:
        // touching the end early starts its memory fetch early, and the loops below need no tail.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load512(tail);
        var t1 = TOp.Invoke(Vector512<float>.Zero, Vector512.LoadUnsafe(ref a, n - W) & mask, Vector512.LoadUnsafe(ref b, n - W) & mask);
        var lo = Vector512<double>.Zero;
        var hi = Vector512<double>.Zero;
        nuint i = 0;
        // Whole blocks while more than one block remains: no bounds other than the block's.
        for (; m - i > Block; i += Block)
        {
            var s0 = Vector512<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (nuint j = i; j < i + Block; j += 4 * W)
            {
                s0 = TOp.Invoke(s0, Vector512.LoadUnsafe(ref a, j), Vector512.LoadUnsafe(ref b, j));
                s1 = TOp.Invoke(s1, Vector512.LoadUnsafe(ref a, j + W), Vector512.LoadUnsafe(ref b, j + W));
                s2 = TOp.Invoke(s2, Vector512.LoadUnsafe(ref a, j + 2 * W), Vector512.LoadUnsafe(ref b, j + 2 * W));
                s3 = TOp.Invoke(s3, Vector512.LoadUnsafe(ref a, j + 3 * W), Vector512.LoadUnsafe(ref b, j + 3 * W));
            }
            var block = (s0 + s1) + (s2 + s3);
            lo += Vector512.WidenLower(block);
            hi += Vector512.WidenUpper(block);
        }
        // The last block (m − i is a multiple of W): unrolled steps, then up to three single vectors.
        var t0 = Vector512<float>.Zero; var t2 = t0; var t3 = t0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            t0 = TOp.Invoke(t0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
            t1 = TOp.Invoke(t1, Vector512.LoadUnsafe(ref a, i + W), Vector512.LoadUnsafe(ref b, i + W));
            t2 = TOp.Invoke(t2, Vector512.LoadUnsafe(ref a, i + 2 * W), Vector512.LoadUnsafe(ref b, i + 2 * W));
            t3 = TOp.Invoke(t3, Vector512.LoadUnsafe(ref a, i + 3 * W), Vector512.LoadUnsafe(ref b, i + 3 * W));
        }
        // At most three whole vectors remain: each into its own accumulator, not one chain.
        if (i < m)
        {
            t0 = TOp.Invoke(t0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
            if (i + W < m)
            {
                t2 = TOp.Invoke(t2, Vector512.LoadUnsafe(ref a, i + W), Vector512.LoadUnsafe(ref b, i + W));
                if (i + 2 * W < m)
                    t3 = TOp.Invoke(t3, Vector512.LoadUnsafe(ref a, i + 2 * W), Vector512.LoadUnsafe(ref b, i + 2 * W));
            }
        }
        var last = (t0 + t1) + (t2 + t3);
        return Vector512.Sum(lo + Vector512.WidenLower(last) + (hi + Vector512.WidenUpper(last)));
    }
}
