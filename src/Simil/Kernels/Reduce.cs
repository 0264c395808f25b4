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
    public static double Run<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b) where TOp : struct, IReduceOperator =>
        Run<TOp, Float32Loader, float>(a, b);

    /// <summary>Reduces stored elements of type <typeparamref name="T"/>, brought into float32 lanes by <typeparamref name="TLoad"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Run<TOp, TLoad, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where TOp : struct, IReduceOperator where TLoad : struct, IElementLoader<T> where T : unmanaged
    {
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length;
        return KernelDispatch.Active switch
        {
            KernelPath.Vector512 => V512<TOp, TLoad, T>(ref ra, ref rb, n),
            KernelPath.Vector256 => V256<TOp, TLoad, T>(ref ra, ref rb, n),
            KernelPath.Vector128 => V128<TOp, TLoad, T>(ref ra, ref rb, n),
            _ => Scalar<TOp, TLoad, T>(ref ra, ref rb, n),
        };
    }

    internal static double Scalar<TOp, TLoad, T>(ref T a, ref T b, nuint n) where TOp : struct, IReduceOperator where TLoad : struct, IElementLoader<T> where T : unmanaged
    {
        double acc = 0;
        for (nuint i = 0; i < n; i++)
            acc = TOp.Invoke(acc, TLoad.Load(ref a, i), TLoad.Load(ref b, i));
        return acc;
    }

    internal static double V128<TOp, TLoad, T>(ref T a, ref T b, nuint n) where TOp : struct, IReduceOperator where TLoad : struct, IElementLoader<T> where T : unmanaged
    {
        const int W = 4;
        const int Block = 4 * W * BlockIterations;
        if (n < W)
            return Scalar<TOp, TLoad, T>(ref a, ref b, n);
        // The last 1..W elements first, loaded overlapping at n − W and masked to the new lanes:
        // touching the end early starts its memory fetch early, and the loops below need no tail.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load128(tail);
        var t1 = TOp.Invoke(Vector128<float>.Zero, TLoad.Load128(ref a, n - W) & mask, TLoad.Load128(ref b, n - W) & mask);
        var lo = Vector128<double>.Zero;
        var hi = Vector128<double>.Zero;
        nuint i = 0;
        // Whole blocks while more than one block remains: no bounds other than the block's.
        for (; m - i > Block; i += Block)
        {
            var s0 = Vector128<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (nuint j = i; j < i + Block; j += 4 * W)
            {
                s0 = TOp.Invoke(s0, TLoad.Load128(ref a, j), TLoad.Load128(ref b, j));
                s1 = TOp.Invoke(s1, TLoad.Load128(ref a, j + W), TLoad.Load128(ref b, j + W));
                s2 = TOp.Invoke(s2, TLoad.Load128(ref a, j + 2 * W), TLoad.Load128(ref b, j + 2 * W));
                s3 = TOp.Invoke(s3, TLoad.Load128(ref a, j + 3 * W), TLoad.Load128(ref b, j + 3 * W));
            }
            var block = (s0 + s1) + (s2 + s3);
            lo += Vector128.WidenLower(block);
            hi += Vector128.WidenUpper(block);
        }
        // The last block (m − i is a multiple of W): unrolled steps, then up to three single vectors.
        var t0 = Vector128<float>.Zero; var t2 = t0; var t3 = t0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            t0 = TOp.Invoke(t0, TLoad.Load128(ref a, i), TLoad.Load128(ref b, i));
            t1 = TOp.Invoke(t1, TLoad.Load128(ref a, i + W), TLoad.Load128(ref b, i + W));
            t2 = TOp.Invoke(t2, TLoad.Load128(ref a, i + 2 * W), TLoad.Load128(ref b, i + 2 * W));
            t3 = TOp.Invoke(t3, TLoad.Load128(ref a, i + 3 * W), TLoad.Load128(ref b, i + 3 * W));
        }
        // At most three whole vectors remain: each into its own accumulator, not one chain.
        if (i < m)
        {
            t0 = TOp.Invoke(t0, TLoad.Load128(ref a, i), TLoad.Load128(ref b, i));
            if (i + W < m)
            {
                t2 = TOp.Invoke(t2, TLoad.Load128(ref a, i + W), TLoad.Load128(ref b, i + W));
                if (i + 2 * W < m)
                    t3 = TOp.Invoke(t3, TLoad.Load128(ref a, i + 2 * W), TLoad.Load128(ref b, i + 2 * W));
            }
        }
        var last = (t0 + t1) + (t2 + t3);
        return Vector128.Sum(lo + Vector128.WidenLower(last) + (hi + Vector128.WidenUpper(last)));
    }

    internal static double V256<TOp, TLoad, T>(ref T a, ref T b, nuint n) where TOp : struct, IReduceOperator where TLoad : struct, IElementLoader<T> where T : unmanaged
    {
        const int W = 8;
        const int Block = 4 * W * BlockIterations;
        if (n < W)
            return V128<TOp, TLoad, T>(ref a, ref b, n);
        // The last 1..W elements first, loaded overlapping at n − W and masked to the new lanes:
        // touching the end early starts its memory fetch early, and the loops below need no tail.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load256(tail);
        var t1 = TOp.Invoke(Vector256<float>.Zero, TLoad.Load256(ref a, n - W) & mask, TLoad.Load256(ref b, n - W) & mask);
        var lo = Vector256<double>.Zero;
        var hi = Vector256<double>.Zero;
        nuint i = 0;
        // Whole blocks while more than one block remains: no bounds other than the block's.
        for (; m - i > Block; i += Block)
        {
            var s0 = Vector256<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (nuint j = i; j < i + Block; j += 4 * W)
            {
                s0 = TOp.Invoke(s0, TLoad.Load256(ref a, j), TLoad.Load256(ref b, j));
                s1 = TOp.Invoke(s1, TLoad.Load256(ref a, j + W), TLoad.Load256(ref b, j + W));
                s2 = TOp.Invoke(s2, TLoad.Load256(ref a, j + 2 * W), TLoad.Load256(ref b, j + 2 * W));
                s3 = TOp.Invoke(s3, TLoad.Load256(ref a, j + 3 * W), TLoad.Load256(ref b, j + 3 * W));
            }
            var block = (s0 + s1) + (s2 + s3);
            lo += Vector256.WidenLower(block);
            hi += Vector256.WidenUpper(block);
        }
        // The last block (m − i is a multiple of W): unrolled steps, then up to three single vectors.
        var t0 = Vector256<float>.Zero; var t2 = t0; var t3 = t0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            t0 = TOp.Invoke(t0, TLoad.Load256(ref a, i), TLoad.Load256(ref b, i));
            t1 = TOp.Invoke(t1, TLoad.Load256(ref a, i + W), TLoad.Load256(ref b, i + W));
            t2 = TOp.Invoke(t2, TLoad.Load256(ref a, i + 2 * W), TLoad.Load256(ref b, i + 2 * W));
            t3 = TOp.Invoke(t3, TLoad.Load256(ref a, i + 3 * W), TLoad.Load256(ref b, i + 3 * W));
        }
        // At most three whole vectors remain: each into its own accumulator, not one chain.
        if (i < m)
        {
            t0 = TOp.Invoke(t0, TLoad.Load256(ref a, i), TLoad.Load256(ref b, i));
            if (i + W < m)
            {
                t2 = TOp.Invoke(t2, TLoad.Load256(ref a, i + W), TLoad.Load256(ref b, i + W));
                if (i + 2 * W < m)
                    t3 = TOp.Invoke(t3, TLoad.Load256(ref a, i + 2 * W), TLoad.Load256(ref b, i + 2 * W));
            }
        }
        var last = (t0 + t1) + (t2 + t3);
        return Vector256.Sum(lo + Vector256.WidenLower(last) + (hi + Vector256.WidenUpper(last)));
    }

    internal static double V512<TOp, TLoad, T>(ref T a, ref T b, nuint n) where TOp : struct, IReduceOperator where TLoad : struct, IElementLoader<T> where T : unmanaged
    {
        const int W = 16;
        const int Block = 4 * W * BlockIterations;
        if (n < W)
            return V256<TOp, TLoad, T>(ref a, ref b, n);
        // The last 1..W elements first, loaded overlapping at n − W and masked to the new lanes:
        // touching the end early starts its memory fetch early, and the loops below need no tail.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load512(tail);
        var t1 = TOp.Invoke(Vector512<float>.Zero, TLoad.Load512(ref a, n - W) & mask, TLoad.Load512(ref b, n - W) & mask);
        var lo = Vector512<double>.Zero;
        var hi = Vector512<double>.Zero;
        nuint i = 0;
        // Whole blocks while more than one block remains: no bounds other than the block's.
        for (; m - i > Block; i += Block)
        {
            var s0 = Vector512<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
            for (nuint j = i; j < i + Block; j += 4 * W)
            {
                s0 = TOp.Invoke(s0, TLoad.Load512(ref a, j), TLoad.Load512(ref b, j));
                s1 = TOp.Invoke(s1, TLoad.Load512(ref a, j + W), TLoad.Load512(ref b, j + W));
                s2 = TOp.Invoke(s2, TLoad.Load512(ref a, j + 2 * W), TLoad.Load512(ref b, j + 2 * W));
                s3 = TOp.Invoke(s3, TLoad.Load512(ref a, j + 3 * W), TLoad.Load512(ref b, j + 3 * W));
            }
            var block = (s0 + s1) + (s2 + s3);
            lo += Vector512.WidenLower(block);
            hi += Vector512.WidenUpper(block);
        }
        // The last block (m − i is a multiple of W): unrolled steps, then up to three single vectors.
        var t0 = Vector512<float>.Zero; var t2 = t0; var t3 = t0;
        for (; i + 4 * W <= m; i += 4 * W)
        {
            t0 = TOp.Invoke(t0, TLoad.Load512(ref a, i), TLoad.Load512(ref b, i));
            t1 = TOp.Invoke(t1, TLoad.Load512(ref a, i + W), TLoad.Load512(ref b, i + W));
            t2 = TOp.Invoke(t2, TLoad.Load512(ref a, i + 2 * W), TLoad.Load512(ref b, i + 2 * W));
            t3 = TOp.Invoke(t3, TLoad.Load512(ref a, i + 3 * W), TLoad.Load512(ref b, i + 3 * W));
        }
        // At most three whole vectors remain: each into its own accumulator, not one chain.
        if (i < m)
        {
            t0 = TOp.Invoke(t0, TLoad.Load512(ref a, i), TLoad.Load512(ref b, i));
            if (i + W < m)
            {
                t2 = TOp.Invoke(t2, TLoad.Load512(ref a, i + W), TLoad.Load512(ref b, i + W));
                if (i + 2 * W < m)
                    t3 = TOp.Invoke(t3, TLoad.Load512(ref a, i + 2 * W), TLoad.Load512(ref b, i + 2 * W));
            }
        }
        var last = (t0 + t1) + (t2 + t3);
        return Vector512.Sum(lo + Vector512.WidenLower(last) + (hi + Vector512.WidenUpper(last)));
    }
}
