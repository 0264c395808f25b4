using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels.Int8;

/// <summary>
/// Exact integer sums over int8 vectors: Σ aᵢbᵢ and Σ (aᵢ−bᵢ)², as 64-bit integers. Each width
/// widens 1 W-byte vector into int32 lanes; an int32 lane takes at most 2,048 steps of at most
/// four terms (≤ 4 × 65,025 each) before it is added into a 64-bit total, so no sum can overflow
/// at any length. The last partial vector is summed in scalar code (at most W − 1 elements).
/// </summary>
static class Int8Kernel
{
    const int BlockSteps = 2048;

    public static long Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => Run<DotStep>(a, b);

    public static long L2Squared(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => Run<L2Step>(a, b);

    interface IStep
    {
        static abstract long Scalar(int a, int b);
        static abstract Vector512<int> Step(Vector512<sbyte> a, Vector512<sbyte> b);
        static abstract Vector256<int> Step(Vector256<sbyte> a, Vector256<sbyte> b);
        static abstract Vector128<int> Step(Vector128<sbyte> a, Vector128<sbyte> b);
    }

    /// <summary>aᵢbᵢ: products of int8 fit int16 (|p| ≤ 16,384), then four per int32 lane.</summary>
    readonly struct DotStep : IStep
    {
        public static long Scalar(int a, int b) => a * b;

        public static Vector512<int> Step(Vector512<sbyte> a, Vector512<sbyte> b)
        {
            var (a0, a1) = Vector512.Widen(a);
            var (b0, b1) = Vector512.Widen(b);
            var (p0, p1) = (a0 * b0, a1 * b1);
            return (Vector512.WidenLower(p0) + Vector512.WidenUpper(p0)) + (Vector512.WidenLower(p1) + Vector512.WidenUpper(p1));
        }

        public static Vector256<int> Step(Vector256<sbyte> a, Vector256<sbyte> b)
        {
            var (a0, a1) = Vector256.Widen(a);
            var (b0, b1) = Vector256.Widen(b);
            var (p0, p1) = (a0 * b0, a1 * b1);
            return (Vector256.WidenLower(p0) + Vector256.WidenUpper(p0)) + (Vector256.WidenLower(p1) + Vector256.WidenUpper(p1));
        }

        public static Vector128<int> Step(Vector128<sbyte> a, Vector128<sbyte> b)
        {
            var (a0, a1) = Vector128.Widen(a);
            var (b0, b1) = Vector128.Widen(b);
            var (p0, p1) = (a0 * b0, a1 * b1);
            return (Vector128.WidenLower(p0) + Vector128.WidenUpper(p0)) + (Vector128.WidenLower(p1) + Vector128.WidenUpper(p1));
        }
    }

    /// <summary>(aᵢ−bᵢ)²: differences fit int16 (|d| ≤ 255), squares (≤ 65,025) need int32.</summary>
    readonly struct L2Step : IStep
    {
        public static long Scalar(int a, int b) => (a - b) * (a - b);

        public static Vector512<int> Step(Vector512<sbyte> a, Vector512<sbyte> b)
        {
            var (a0, a1) = Vector512.Widen(a);
            var (b0, b1) = Vector512.Widen(b);
            var (d0, d1) = (a0 - b0, a1 - b1);
            var (e0, e1) = Vector512.Widen(d0);
            var (e2, e3) = Vector512.Widen(d1);
            return (e0 * e0 + e1 * e1) + (e2 * e2 + e3 * e3);
        }

        public static Vector256<int> Step(Vector256<sbyte> a, Vector256<sbyte> b)
        {
            var (a0, a1) = Vector256.Widen(a);
            var (b0, b1) = Vector256.Widen(b);
            var (d0, d1) = (a0 - b0, a1 - b1);
            var (e0, e1) = Vector256.Widen(d0);
            var (e2, e3) = Vector256.Widen(d1);
            return (e0 * e0 + e1 * e1) + (e2 * e2 + e3 * e3);
        }

        public static Vector128<int> Step(Vector128<sbyte> a, Vector128<sbyte> b)
        {
            var (a0, a1) = Vector128.Widen(a);
            var (b0, b1) = Vector128.Widen(b);
            var (d0, d1) = (a0 - b0, a1 - b1);
            var (e0, e1) = Vector128.Widen(d0);
            var (e2, e3) = Vector128.Widen(d1);
            return (e0 * e0 + e1 * e1) + (e2 * e2 + e3 * e3);
        }
    }

    static long Run<TStep>(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) where TStep : struct, IStep
    {
        ref sbyte ra = ref MemoryMarshal.GetReference(a);
        ref sbyte rb = ref MemoryMarshal.GetReference(b);
        int n = a.Length, i = 0;
        long total = 0;
        switch (KernelDispatch.Active)
        {
            case KernelPath.Vector512:
                while (n - i >= 64)
                {
                    int end = i + Math.Min((n - i) / 64, BlockSteps) * 64;
                    var acc = Vector512<int>.Zero;
                    for (; i < end; i += 64)
                        acc += TStep.Step(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i));
                    total += Vector512.Sum(Vector512.WidenLower(acc)) + Vector512.Sum(Vector512.WidenUpper(acc));
                }
                break;
            case KernelPath.Vector256:
                while (n - i >= 32)
                {
                    int end = i + Math.Min((n - i) / 32, BlockSteps) * 32;
                    var acc = Vector256<int>.Zero;
                    for (; i < end; i += 32)
                        acc += TStep.Step(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i));
                    total += Vector256.Sum(Vector256.WidenLower(acc)) + Vector256.Sum(Vector256.WidenUpper(acc));
                }
                break;
            case KernelPath.Vector128:
                while (n - i >= 16)
                {
                    int end = i + Math.Min((n - i) / 16, BlockSteps) * 16;
                    var acc = Vector128<int>.Zero;
                    for (; i < end; i += 16)
                        acc += TStep.Step(Vector128.LoadUnsafe(ref ra, (nuint)i), Vector128.LoadUnsafe(ref rb, (nuint)i));
                    total += Vector128.Sum(Vector128.WidenLower(acc)) + Vector128.Sum(Vector128.WidenUpper(acc));
                }
                break;
        }
        for (; i < n; i++)
            total += TStep.Scalar(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
        return total;
    }
}
