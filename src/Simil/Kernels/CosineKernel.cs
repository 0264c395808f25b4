using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// Cosine similarity in one pass with three accumulators (<c>a·b</c>, <c>‖a‖²</c>, <c>‖b‖²</c>),
/// two sets of them unrolled, float32 blocks folded into float64 and the last 1..W elements taken
/// first as one masked overlapping vector, as in <see cref="Reduce"/>.
/// </summary>
static class CosineKernel
{
    /// <summary>The three sums; the caller checked that the lengths are equal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Dot, double NormA, double NormB) Sums(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        Sums<Float32Loader, float>(a, b);

    /// <summary>The three sums over stored elements of type <typeparamref name="T"/>, brought into float32 lanes by <typeparamref name="TLoad"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Dot, double NormA, double NormB) Sums<TLoad, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where TLoad : struct, IElementLoader<T> where T : unmanaged
    {
        return Dispatch<TLoad, T, AllSums>(a, b);
    }

    /// <summary>
    /// <c>a·b</c> and <c>‖a‖²</c> only, bit for bit the first two of <see cref="Sums(ReadOnlySpan{float}, ReadOnlySpan{float})"/>:
    /// for one query against many rows, whose <c>‖b‖²</c> is the same every time (each sum has its
    /// own accumulators, so leaving one out changes no other).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Dot, double NormA) DotAndNormA(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var (dot, normA, _) = Dispatch<Float32Loader, float, WithoutNormB>(a, b);
        return (dot, normA);
    }

    /// <summary>The kernel of the active path for the sums <typeparamref name="TSums"/> selects.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (double, double, double) Dispatch<TLoad, T, TSums>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where TLoad : struct, IElementLoader<T> where T : unmanaged where TSums : struct, ICosineSums
    {
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length;
        return KernelDispatch.Active switch
        {
            KernelPath.Vector512 => V512<TLoad, T, TSums>(ref ra, ref rb, n),
            KernelPath.Vector256 => V256<TLoad, T, TSums>(ref ra, ref rb, n),
            KernelPath.Vector128 => V128<TLoad, T, TSums>(ref ra, ref rb, n),
            _ => Scalar<TLoad, T, TSums>(ref ra, ref rb, n),
        };
    }

    /// <summary>Which sums a kernel instance computes (a type, so that the JIT drops the unused one).</summary>
    internal interface ICosineSums
    {
        static abstract bool NormB { get; }
    }

    internal readonly struct AllSums : ICosineSums
    {
        public static bool NormB => true;
    }

    internal readonly struct WithoutNormB : ICosineSums
    {
        public static bool NormB => false;
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

    internal static (double, double, double) Scalar<TLoad, T, TSums>(ref T a, ref T b, nuint n) where TLoad : struct, IElementLoader<T> where T : unmanaged where TSums : struct, ICosineSums
    {
        double ab = 0, aa = 0, bb = 0;
        for (nuint i = 0; i < n; i++)
        {
            double x = TLoad.Load(ref a, i), y = TLoad.Load(ref b, i);
            ab += x * y;
            aa += x * x;
            if (TSums.NormB)
                bb += y * y;
        }
        return (ab, aa, bb);
    }

    internal static (double, double, double) V128<TLoad, T, TSums>(ref T a, ref T b, nuint n) where TLoad : struct, IElementLoader<T> where T : unmanaged where TSums : struct, ICosineSums
    {
        const int W = 4;
        const int Block = 2 * W * 2 * Reduce.BlockIterations;
        if (n < W)
            return Scalar<TLoad, T, TSums>(ref a, ref b, n);
        // As in Reduce: the last 1..W elements first, overlapping and masked; no tail loop.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load128(tail);
        var xe = TLoad.Load128(ref a, n - W) & mask;
        var ye = TLoad.Load128(ref b, n - W) & mask;
        var ab1 = xe * ye; var aa1 = xe * xe; var bb1 = ye * ye;
        var ab = new Accumulator128();
        var aa = new Accumulator128();
        var bb = new Accumulator128();
        nuint i = 0;
        for (; m - i > Block; i += Block)
        {
            var p0 = Vector128<float>.Zero; var p1 = p0; var q0 = p0; var q1 = p0; var r0 = p0; var r1 = p0;
            for (nuint j = i; j < i + Block; j += 2 * W)
            {
                var x0 = TLoad.Load128(ref a, j); var y0 = TLoad.Load128(ref b, j);
                var x1 = TLoad.Load128(ref a, j + W); var y1 = TLoad.Load128(ref b, j + W);
                p0 = Vector128.MultiplyAddEstimate(x0, y0, p0); q0 = Vector128.MultiplyAddEstimate(x0, x0, q0); if (TSums.NormB) r0 = Vector128.MultiplyAddEstimate(y0, y0, r0);
                p1 = Vector128.MultiplyAddEstimate(x1, y1, p1); q1 = Vector128.MultiplyAddEstimate(x1, x1, q1); if (TSums.NormB) r1 = Vector128.MultiplyAddEstimate(y1, y1, r1);
            }
            ab.Add(p0 + p1); aa.Add(q0 + q1); if (TSums.NormB) bb.Add(r0 + r1);
        }
        var ab0 = Vector128<float>.Zero; var aa0 = ab0; var bb0 = ab0;
        for (; i + 2 * W <= m; i += 2 * W)
        {
            var x0 = TLoad.Load128(ref a, i); var y0 = TLoad.Load128(ref b, i);
            var x1 = TLoad.Load128(ref a, i + W); var y1 = TLoad.Load128(ref b, i + W);
            ab0 = Vector128.MultiplyAddEstimate(x0, y0, ab0); aa0 = Vector128.MultiplyAddEstimate(x0, x0, aa0); if (TSums.NormB) bb0 = Vector128.MultiplyAddEstimate(y0, y0, bb0);
            ab1 = Vector128.MultiplyAddEstimate(x1, y1, ab1); aa1 = Vector128.MultiplyAddEstimate(x1, x1, aa1); if (TSums.NormB) bb1 = Vector128.MultiplyAddEstimate(y1, y1, bb1);
        }
        if (i < m)
        {
            var x = TLoad.Load128(ref a, i); var y = TLoad.Load128(ref b, i);
            ab0 = Vector128.MultiplyAddEstimate(x, y, ab0); aa0 = Vector128.MultiplyAddEstimate(x, x, aa0); if (TSums.NormB) bb0 = Vector128.MultiplyAddEstimate(y, y, bb0);
        }
        ab.Add(ab0 + ab1); aa.Add(aa0 + aa1); if (TSums.NormB) bb.Add(bb0 + bb1);
        return (ab.Sum(), aa.Sum(), TSums.NormB ? bb.Sum() : 0);
    }

    internal static (double, double, double) V256<TLoad, T, TSums>(ref T a, ref T b, nuint n) where TLoad : struct, IElementLoader<T> where T : unmanaged where TSums : struct, ICosineSums
    {
        const int W = 8;
        const int Block = 2 * W * 2 * Reduce.BlockIterations;
        if (n < W)
            return V128<TLoad, T, TSums>(ref a, ref b, n);
        // As in Reduce: the last 1..W elements first, overlapping and masked; no tail loop.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load256(tail);
        var xe = TLoad.Load256(ref a, n - W) & mask;
        var ye = TLoad.Load256(ref b, n - W) & mask;
        var ab1 = xe * ye; var aa1 = xe * xe; var bb1 = ye * ye;
        var ab = new Accumulator256();
        var aa = new Accumulator256();
        var bb = new Accumulator256();
        nuint i = 0;
        for (; m - i > Block; i += Block)
        {
            var p0 = Vector256<float>.Zero; var p1 = p0; var q0 = p0; var q1 = p0; var r0 = p0; var r1 = p0;
            for (nuint j = i; j < i + Block; j += 2 * W)
            {
                var x0 = TLoad.Load256(ref a, j); var y0 = TLoad.Load256(ref b, j);
                var x1 = TLoad.Load256(ref a, j + W); var y1 = TLoad.Load256(ref b, j + W);
                p0 = Vector256.MultiplyAddEstimate(x0, y0, p0); q0 = Vector256.MultiplyAddEstimate(x0, x0, q0); if (TSums.NormB) r0 = Vector256.MultiplyAddEstimate(y0, y0, r0);
                p1 = Vector256.MultiplyAddEstimate(x1, y1, p1); q1 = Vector256.MultiplyAddEstimate(x1, x1, q1); if (TSums.NormB) r1 = Vector256.MultiplyAddEstimate(y1, y1, r1);
            }
            ab.Add(p0 + p1); aa.Add(q0 + q1); if (TSums.NormB) bb.Add(r0 + r1);
        }
        var ab0 = Vector256<float>.Zero; var aa0 = ab0; var bb0 = ab0;
        for (; i + 2 * W <= m; i += 2 * W)
        {
            var x0 = TLoad.Load256(ref a, i); var y0 = TLoad.Load256(ref b, i);
            var x1 = TLoad.Load256(ref a, i + W); var y1 = TLoad.Load256(ref b, i + W);
            ab0 = Vector256.MultiplyAddEstimate(x0, y0, ab0); aa0 = Vector256.MultiplyAddEstimate(x0, x0, aa0); if (TSums.NormB) bb0 = Vector256.MultiplyAddEstimate(y0, y0, bb0);
            ab1 = Vector256.MultiplyAddEstimate(x1, y1, ab1); aa1 = Vector256.MultiplyAddEstimate(x1, x1, aa1); if (TSums.NormB) bb1 = Vector256.MultiplyAddEstimate(y1, y1, bb1);
        }
        if (i < m)
        {
            var x = TLoad.Load256(ref a, i); var y = TLoad.Load256(ref b, i);
            ab0 = Vector256.MultiplyAddEstimate(x, y, ab0); aa0 = Vector256.MultiplyAddEstimate(x, x, aa0); if (TSums.NormB) bb0 = Vector256.MultiplyAddEstimate(y, y, bb0);
        }
        ab.Add(ab0 + ab1); aa.Add(aa0 + aa1); if (TSums.NormB) bb.Add(bb0 + bb1);
        return (ab.Sum(), aa.Sum(), TSums.NormB ? bb.Sum() : 0);
    }

    internal static (double, double, double) V512<TLoad, T, TSums>(ref T a, ref T b, nuint n) where TLoad : struct, IElementLoader<T> where T : unmanaged where TSums : struct, ICosineSums
    {
        const int W = 16;
        const int Block = 2 * W * 2 * Reduce.BlockIterations;
        if (n < W)
            return V256<TLoad, T, TSums>(ref a, ref b, n);
        // As in Reduce: the last 1..W elements first, overlapping and masked; no tail loop.
        nuint tail = ((n - 1) % W) + 1;
        nuint m = n - tail;
        var mask = TailMask.Load512(tail);
        var xe = TLoad.Load512(ref a, n - W) & mask;
        var ye = TLoad.Load512(ref b, n - W) & mask;
        var ab1 = xe * ye; var aa1 = xe * xe; var bb1 = ye * ye;
        var ab = new Accumulator512();
        var aa = new Accumulator512();
        var bb = new Accumulator512();
        nuint i = 0;
        for (; m - i > Block; i += Block)
        {
            var p0 = Vector512<float>.Zero; var p1 = p0; var q0 = p0; var q1 = p0; var r0 = p0; var r1 = p0;
            for (nuint j = i; j < i + Block; j += 2 * W)
            {
                var x0 = TLoad.Load512(ref a, j); var y0 = TLoad.Load512(ref b, j);
                var x1 = TLoad.Load512(ref a, j + W); var y1 = TLoad.Load512(ref b, j + W);
                p0 = Vector512.MultiplyAddEstimate(x0, y0, p0); q0 = Vector512.MultiplyAddEstimate(x0, x0, q0); if (TSums.NormB) r0 = Vector512.MultiplyAddEstimate(y0, y0, r0);
                p1 = Vector512.MultiplyAddEstimate(x1, y1, p1); q1 = Vector512.MultiplyAddEstimate(x1, x1, q1); if (TSums.NormB) r1 = Vector512.MultiplyAddEstimate(y1, y1, r1);
            }
            ab.Add(p0 + p1); aa.Add(q0 + q1); if (TSums.NormB) bb.Add(r0 + r1);
        }
        var ab0 = Vector512<float>.Zero; var aa0 = ab0; var bb0 = ab0;
        for (; i + 2 * W <= m; i += 2 * W)
        {
            var x0 = TLoad.Load512(ref a, i); var y0 = TLoad.Load512(ref b, i);
            var x1 = TLoad.Load512(ref a, i + W); var y1 = TLoad.Load512(ref b, i + W);
            ab0 = Vector512.MultiplyAddEstimate(x0, y0, ab0); aa0 = Vector512.MultiplyAddEstimate(x0, x0, aa0); if (TSums.NormB) bb0 = Vector512.MultiplyAddEstimate(y0, y0, bb0);
            ab1 = Vector512.MultiplyAddEstimate(x1, y1, ab1); aa1 = Vector512.MultiplyAddEstimate(x1, x1, aa1); if (TSums.NormB) bb1 = Vector512.MultiplyAddEstimate(y1, y1, bb1);
        }
        if (i < m)
        {
            var x = TLoad.Load512(ref a, i); var y = TLoad.Load512(ref b, i);
            ab0 = Vector512.MultiplyAddEstimate(x, y, ab0); aa0 = Vector512.MultiplyAddEstimate(x, x, aa0); if (TSums.NormB) bb0 = Vector512.MultiplyAddEstimate(y, y, bb0);
        }
        ab.Add(ab0 + ab1); aa.Add(aa0 + aa1); if (TSums.NormB) bb.Add(bb0 + bb1);
        return (ab.Sum(), aa.Sum(), TSums.NormB ? bb.Sum() : 0);
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
        Vector256<double> _sum;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector256<float> s) => _sum += Vector256.WidenLower((s.GetLower() + s.GetUpper()).ToVector256Unsafe());
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly double Sum() => Vector256.Sum(_sum);
    }

    /// <summary>Adds the two float32 halves first (one rounding, at most ~65 terms a lane), then widens once.</summary>
    struct Accumulator512
    {
        Vector512<double> _sum;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector512<float> s) => _sum += Vector512.WidenLower((s.GetLower() + s.GetUpper()).ToVector512Unsafe());
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly double Sum() => Vector512.Sum(_sum);
    }
}
