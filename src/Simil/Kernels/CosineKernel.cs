using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// Cosine similarity in one pass with three accumulators (<c>a·b</c>, <c>‖a‖²</c>, <c>‖b‖²</c>),
/// two sets of them unrolled, float32 blocks folded into float64 as in <see cref="Reduce"/>.
/// </summary>
static class CosineKernel
{
    /// <summary>The three sums; the caller checked that the lengths are equal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Dot, double NormA, double NormB) Sums(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length;
        return KernelDispatch.Active switch
        {
            KernelPath.Vector512 => V512(ref ra, ref rb, n),
            KernelPath.Vector256 => V256(ref ra, ref rb, n),
            KernelPath.Vector128 => V128(ref ra, ref rb, n),
            _ => Scalar(ref ra, ref rb, n),
        };
    }

    /// <summary>
    /// <c>a·b / √(‖a‖²‖b‖²)</c> clamped to [-1, 1]; 0 when either vector is zero (a zero vector is
    /// orthogonal to everything, itself included).
    /// </summary>
    public static double FromSums(double dot, double normA, double normB)
    {
        if (normA == 0 || normB == 0)
            return 0;
        return Math.Clamp(dot / Math.Sqrt(normA * normB), -1.0, 1.0);
    }

    internal static (double, double, double) Scalar(ref float a, ref float b, nuint n)
    {
        double ab = 0, aa = 0, bb = 0;
        for (nuint i = 0; i < n; i++)
        {
            double x = Unsafe.Add(ref a, i), y = Unsafe.Add(ref b, i);
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return (ab, aa, bb);
    }

    internal static (double, double, double) V128(ref float a, ref float b, nuint n)
    {
        const int W = 4;
        if (n < W)
            return Scalar(ref a, ref b, n);
        var ab = new Accumulator128();
        var aa = new Accumulator128();
        var bb = new Accumulator128();
        nuint i = 0;
        while (true)
        {
            nuint end = Math.Min(n, i + 2 * W * 2 * Reduce.BlockIterations);
            var ab0 = Vector128<float>.Zero; var ab1 = ab0; var aa0 = ab0; var aa1 = ab0; var bb0 = ab0; var bb1 = ab0;
            for (; i + 2 * W <= end; i += 2 * W)
            {
                var x0 = Vector128.LoadUnsafe(ref a, i); var y0 = Vector128.LoadUnsafe(ref b, i);
                var x1 = Vector128.LoadUnsafe(ref a, i + W); var y1 = Vector128.LoadUnsafe(ref b, i + W);
                ab0 = Vector128.MultiplyAddEstimate(x0, y0, ab0); aa0 = Vector128.MultiplyAddEstimate(x0, x0, aa0); bb0 = Vector128.MultiplyAddEstimate(y0, y0, bb0);
                ab1 = Vector128.MultiplyAddEstimate(x1, y1, ab1); aa1 = Vector128.MultiplyAddEstimate(x1, x1, aa1); bb1 = Vector128.MultiplyAddEstimate(y1, y1, bb1);
            }
            bool last = end == n;
            if (last && i < n)
            {
                // At most one full vector and a partial one remain.
                if (i + W <= n)
                {
                    var x = Vector128.LoadUnsafe(ref a, i); var y = Vector128.LoadUnsafe(ref b, i);
                    ab0 = Vector128.MultiplyAddEstimate(x, y, ab0); aa0 = Vector128.MultiplyAddEstimate(x, x, aa0); bb0 = Vector128.MultiplyAddEstimate(y, y, bb0);
                    i += W;
                }
                if (i < n)
                {
                    var mask = TailMask.Load128(n - i);
                    var x = Vector128.LoadUnsafe(ref a, n - W) & mask; var y = Vector128.LoadUnsafe(ref b, n - W) & mask;
                    ab1 = Vector128.MultiplyAddEstimate(x, y, ab1); aa1 = Vector128.MultiplyAddEstimate(x, x, aa1); bb1 = Vector128.MultiplyAddEstimate(y, y, bb1);
                }
            }
            ab.Add(ab0 + ab1); aa.Add(aa0 + aa1); bb.Add(bb0 + bb1);
            if (last)
                return (ab.Sum(), aa.Sum(), bb.Sum());
        }
    }

    internal static (double, double, double) V256(ref float a, ref float b, nuint n)
    {
        const int W = 8;
        if (n < W)
            return V128(ref a, ref b, n);
        var ab = new Accumulator256();
        var aa = new Accumulator256();
        var bb = new Accumulator256();
        nuint i = 0;
        while (true)
        {
            nuint end = Math.Min(n, i + 2 * W * 2 * Reduce.BlockIterations);
            var ab0 = Vector256<float>.Zero; var ab1 = ab0; var aa0 = ab0; var aa1 = ab0; var bb0 = ab0; var bb1 = ab0;
            for (; i + 2 * W <= end; i += 2 * W)
            {
                var x0 = Vector256.LoadUnsafe(ref a, i); var y0 = Vector256.LoadUnsafe(ref b, i);
                var x1 = Vector256.LoadUnsafe(ref a, i + W); var y1 = Vector256.LoadUnsafe(ref b, i + W);
                ab0 = Vector256.MultiplyAddEstimate(x0, y0, ab0); aa0 = Vector256.MultiplyAddEstimate(x0, x0, aa0); bb0 = Vector256.MultiplyAddEstimate(y0, y0, bb0);
                ab1 = Vector256.MultiplyAddEstimate(x1, y1, ab1); aa1 = Vector256.MultiplyAddEstimate(x1, x1, aa1); bb1 = Vector256.MultiplyAddEstimate(y1, y1, bb1);
            }
            bool last = end == n;
            if (last && i < n)
            {
                if (i + W <= n)
                {
                    var x = Vector256.LoadUnsafe(ref a, i); var y = Vector256.LoadUnsafe(ref b, i);
                    ab0 = Vector256.MultiplyAddEstimate(x, y, ab0); aa0 = Vector256.MultiplyAddEstimate(x, x, aa0); bb0 = Vector256.MultiplyAddEstimate(y, y, bb0);
                    i += W;
                }
                if (i < n)
                {
                    var mask = TailMask.Load256(n - i);
                    var x = Vector256.LoadUnsafe(ref a, n - W) & mask; var y = Vector256.LoadUnsafe(ref b, n - W) & mask;
                    ab1 = Vector256.MultiplyAddEstimate(x, y, ab1); aa1 = Vector256.MultiplyAddEstimate(x, x, aa1); bb1 = Vector256.MultiplyAddEstimate(y, y, bb1);
                }
            }
            ab.Add(ab0 + ab1); aa.Add(aa0 + aa1); bb.Add(bb0 + bb1);
            if (last)
                return (ab.Sum(), aa.Sum(), bb.Sum());
        }
    }

    internal static (double, double, double) V512(ref float a, ref float b, nuint n)
    {
        const int W = 16;
        if (n < W)
            return V256(ref a, ref b, n);
        var ab = new Accumulator512();
        var aa = new Accumulator512();
        var bb = new Accumulator512();
        nuint i = 0;
        while (true)
        {
            nuint end = Math.Min(n, i + 2 * W * 2 * Reduce.BlockIterations);
            var ab0 = Vector512<float>.Zero; var ab1 = ab0; var aa0 = ab0; var aa1 = ab0; var bb0 = ab0; var bb1 = ab0;
            for (; i + 2 * W <= end; i += 2 * W)
            {
                var x0 = Vector512.LoadUnsafe(ref a, i); var y0 = Vector512.LoadUnsafe(ref b, i);
                var x1 = Vector512.LoadUnsafe(ref a, i + W); var y1 = Vector512.LoadUnsafe(ref b, i + W);
                ab0 = Vector512.MultiplyAddEstimate(x0, y0, ab0); aa0 = Vector512.MultiplyAddEstimate(x0, x0, aa0); bb0 = Vector512.MultiplyAddEstimate(y0, y0, bb0);
                ab1 = Vector512.MultiplyAddEstimate(x1, y1, ab1); aa1 = Vector512.MultiplyAddEstimate(x1, x1, aa1); bb1 = Vector512.MultiplyAddEstimate(y1, y1, bb1);
            }
            bool last = end == n;
            if (last && i < n)
            {
                if (i + W <= n)
                {
                    var x = Vector512.LoadUnsafe(ref a, i); var y = Vector512.LoadUnsafe(ref b, i);
                    ab0 = Vector512.MultiplyAddEstimate(x, y, ab0); aa0 = Vector512.MultiplyAddEstimate(x, x, aa0); bb0 = Vector512.MultiplyAddEstimate(y, y, bb0);
                    i += W;
                }
                if (i < n)
                {
                    var mask = TailMask.Load512(n - i);
                    var x = Vector512.LoadUnsafe(ref a, n - W) & mask; var y = Vector512.LoadUnsafe(ref b, n - W) & mask;
                    ab1 = Vector512.MultiplyAddEstimate(x, y, ab1); aa1 = Vector512.MultiplyAddEstimate(x, x, aa1); bb1 = Vector512.MultiplyAddEstimate(y, y, bb1);
                }
            }
            ab.Add(ab0 + ab1); aa.Add(aa0 + aa1); bb.Add(bb0 + bb1);
            if (last)
                return (ab.Sum(), aa.Sum(), bb.Sum());
        }
    }

    /// <summary>float64 lanes that a block's float32 sums fold into.</summary>
    struct Accumulator128
    {
        Vector128<double> _lo, _hi;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector128<float> s) { _lo += Vector128.WidenLower(s); _hi += Vector128.WidenUpper(s); }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly double Sum() => Vector128.Sum(_lo + _hi);
    }

    struct Accumulator256
    {
        Vector256<double> _lo, _hi;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector256<float> s) { _lo += Vector256.WidenLower(s); _hi += Vector256.WidenUpper(s); }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly double Sum() => Vector256.Sum(_lo + _hi);
    }

    struct Accumulator512
    {
        Vector512<double> _lo, _hi;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector512<float> s) { _lo += Vector512.WidenLower(s); _hi += Vector512.WidenUpper(s); }
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly double Sum() => Vector512.Sum(_lo + _hi);
    }
}
