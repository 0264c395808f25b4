using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simil.Kernels.Int8;

/// <summary>
/// Exact integer sums over int8 vectors: Σ aᵢbᵢ and Σ (aᵢ−bᵢ)², as 64-bit integers. Each width
/// widens 1 W-byte vector into int32 lanes; an int32 lane takes at most 2,048 steps of at most
/// four terms (≤ 4 × 65,025 each) before it is added into a 64-bit total, so no sum can overflow
/// at any length. What a wide loop leaves is summed 16 at a time, then in scalar code (at most 15 elements).
/// With AVX-512 BW (or AVX2 on the 256-bit path) a step is what NumKong's int8 kernels do without
/// VNNI's 512-bit form, which .NET 10 does not expose: sign-extend 32 bytes to int16 lanes
/// (<c>vpmovsxbw</c>), multiply and add adjacent pairs into int32 (<c>vpmaddwd</c>, at most
/// 2 × 16,384 for a product, 2 × 65,025 for a square of a difference), add.
/// </summary>
static class Int8Kernel
{
    const int BlockSteps = 2048;

    public static long Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => Run<DotStep>(a, b);

    public static long L2Squared(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => Run<L2Step>(a, b);

    /// <summary>
    /// Σ wᵢcᵢ of int16 weights and int8 codes, exact as a 64-bit integer: the asymmetric int8 score
    /// with the float32 query's weights rounded to 16 bits. A step sign-extends 32 (16, 8) codes to
    /// int16 and multiplies adjacent pairs into int32 lanes (<c>vpmaddwd</c>, two products of at most
    /// 32,768 × 128 = 2²² each); a lane takes at most 128 steps (2³⁰) before it is added into the
    /// 64-bit total. Half the instructions per code of widening to float32 and fused multiply-adds.
    /// </summary>
    public static long DotWeights16(ReadOnlySpan<short> w, ReadOnlySpan<sbyte> c)
    {
        const int Steps = 128;
        ref short rw = ref MemoryMarshal.GetReference(w);
        ref sbyte rc = ref MemoryMarshal.GetReference(c);
        int n = c.Length, i = 0;
        long total = 0;
        if (KernelDispatch.Active == KernelPath.Vector512 && Avx512BW.IsSupported)
            while (n - i >= 32)
            {
                int end = i + Math.Min((n - i) / 32, Steps) * 32;
                var acc = Vector512<int>.Zero;
                for (; i < end; i += 32)
                    acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref rw, (nuint)i), Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rc, (nuint)i)));
                total += Vector512.Sum(Vector512.WidenLower(acc)) + Vector512.Sum(Vector512.WidenUpper(acc));
            }
        if (KernelDispatch.Active is KernelPath.Vector512 or KernelPath.Vector256 && Avx2.IsSupported)
            while (n - i >= 16)
            {
                int end = i + Math.Min((n - i) / 16, Steps) * 16;
                var acc = Vector256<int>.Zero;
                for (; i < end; i += 16)
                    acc += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref rw, (nuint)i), Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rc, (nuint)i)));
                total += Vector256.Sum(Vector256.WidenLower(acc)) + Vector256.Sum(Vector256.WidenUpper(acc));
            }
        if (KernelDispatch.Active != KernelPath.Scalar && Sse2.IsSupported)
            while (n - i >= 8)
            {
                int end = i + Math.Min((n - i) / 8, Steps) * 8;
                var acc = Vector128<int>.Zero;
                for (; i < end; i += 8)
                    acc += Sse2.MultiplyAddAdjacent(Vector128.LoadUnsafe(ref rw, (nuint)i),
                        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref rc, i)))).AsSByte()));
                total += Vector128.Sum(Vector128.WidenLower(acc)) + Vector128.Sum(Vector128.WidenUpper(acc));
            }
        for (; i < n; i++)
            total += Unsafe.Add(ref rw, i) * Unsafe.Add(ref rc, i);
        return total;
    }

    interface IStep
    {
        static abstract long Scalar(int a, int b);
        static abstract Vector128<int> Step(Vector128<sbyte> a, Vector128<sbyte> b);
        static abstract Vector512<int> Pairs(Vector512<short> a, Vector512<short> b);
        static abstract Vector256<int> Pairs(Vector256<short> a, Vector256<short> b);
    }

    /// <summary>aᵢbᵢ: products of int8 fit int16 (|p| ≤ 16,384), then four per int32 lane.</summary>
    readonly struct DotStep : IStep
    {
        public static long Scalar(int a, int b) => a * b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Pairs(Vector512<short> a, Vector512<short> b) => Avx512BW.MultiplyAddAdjacent(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Pairs(Vector256<short> a, Vector256<short> b) => Avx2.MultiplyAddAdjacent(a, b);



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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Pairs(Vector512<short> a, Vector512<short> b)
        {
            var d = a - b;
            return Avx512BW.MultiplyAddAdjacent(d, d);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Pairs(Vector256<short> a, Vector256<short> b)
        {
            var d = a - b;
            return Avx2.MultiplyAddAdjacent(d, d);
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
            case KernelPath.Vector512 or KernelPath.Vector256 when typeof(TStep) == typeof(DotStep) && AvxVnni.IsSupported:
                // VNNI multiplies unsigned by signed bytes: Σ aᵢbᵢ = Σ (aᵢ + 128) bᵢ − 128 Σ bᵢ, with aᵢ + 128 = aᵢ XOR 0x80
                // as a byte, and Σ bᵢ from the same instruction against ones. Each int32 lane takes four
                // products of at most 255 × 128 a step: 2,048 steps stay far below 2³¹.
                // Four chains of each sum: VPDPBUSD's latency (about five cycles) would otherwise bound the loop.
                while (n - i >= 64)
                {
                    int end = i + Math.Min((n - i) / 64, BlockSteps) * 64;
                    var p0 = Vector256<int>.Zero; var p1 = p0; var p2 = p0; var p3 = p0;
                    var s0 = Vector256<int>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
                    var flip = Vector256.Create((byte)0x80);
                    var ones = Vector256.Create((byte)1);
                    for (; end - i >= 128; i += 128)
                    {
                        var b0 = Vector256.LoadUnsafe(ref rb, (nuint)i);
                        var b1 = Vector256.LoadUnsafe(ref rb, (nuint)i + 32);
                        var b2 = Vector256.LoadUnsafe(ref rb, (nuint)i + 64);
                        var b3 = Vector256.LoadUnsafe(ref rb, (nuint)i + 96);
                        p0 = AvxVnni.MultiplyWideningAndAdd(p0, Vector256.LoadUnsafe(ref ra, (nuint)i).AsByte() ^ flip, b0);
                        p1 = AvxVnni.MultiplyWideningAndAdd(p1, Vector256.LoadUnsafe(ref ra, (nuint)i + 32).AsByte() ^ flip, b1);
                        p2 = AvxVnni.MultiplyWideningAndAdd(p2, Vector256.LoadUnsafe(ref ra, (nuint)i + 64).AsByte() ^ flip, b2);
                        p3 = AvxVnni.MultiplyWideningAndAdd(p3, Vector256.LoadUnsafe(ref ra, (nuint)i + 96).AsByte() ^ flip, b3);
                        s0 = AvxVnni.MultiplyWideningAndAdd(s0, ones, b0);
                        s1 = AvxVnni.MultiplyWideningAndAdd(s1, ones, b1);
                        s2 = AvxVnni.MultiplyWideningAndAdd(s2, ones, b2);
                        s3 = AvxVnni.MultiplyWideningAndAdd(s3, ones, b3);
                    }
                    if (end - i >= 64)
                    {
                        var b0 = Vector256.LoadUnsafe(ref rb, (nuint)i);
                        var b1 = Vector256.LoadUnsafe(ref rb, (nuint)i + 32);
                        p0 = AvxVnni.MultiplyWideningAndAdd(p0, Vector256.LoadUnsafe(ref ra, (nuint)i).AsByte() ^ flip, b0);
                        p1 = AvxVnni.MultiplyWideningAndAdd(p1, Vector256.LoadUnsafe(ref ra, (nuint)i + 32).AsByte() ^ flip, b1);
                        s0 = AvxVnni.MultiplyWideningAndAdd(s0, ones, b0);
                        s1 = AvxVnni.MultiplyWideningAndAdd(s1, ones, b1);
                        i += 64;
                    }
                    var products = (p0 + p1) + (p2 + p3);
                    var sums = (s0 + s1) + (s2 + s3);
                    total += Vector256.Sum(Vector256.WidenLower(products)) + Vector256.Sum(Vector256.WidenUpper(products))
                           - 128L * (Vector256.Sum(Vector256.WidenLower(sums)) + Vector256.Sum(Vector256.WidenUpper(sums)));
                }
                break;
            case KernelPath.Vector512 or KernelPath.Vector256 when typeof(TStep) == typeof(L2Step) && AvxVnni.IsSupported:
                // |aᵢ − bᵢ| fits a byte: max − min of the signed bytes, wrapped to 0…255. Its square is d·(d & 0x7F)
                // + d·(d & 0x80); VNNI multiplies d (unsigned) by d & 0x7F (a non-negative signed byte), and by
                // d & 0x80 read as a signed byte (−128 where set), whose sum is subtracted. Lanes take at most
                // 4 × 255 × 128 a step: 2,048 steps stay far below 2³¹.
                while (n - i >= 32)
                {
                    int end = i + Math.Min((n - i) / 32, BlockSteps) * 32;
                    var l0 = Vector256<int>.Zero; var l1 = l0; var h0 = l0; var h1 = l0;
                    var low = Vector256.Create((byte)0x7F);
                    var high = Vector256.Create((byte)0x80);
                    for (; end - i >= 64; i += 64)
                    {
                        var x0 = Vector256.LoadUnsafe(ref ra, (nuint)i); var y0 = Vector256.LoadUnsafe(ref rb, (nuint)i);
                        var x1 = Vector256.LoadUnsafe(ref ra, (nuint)i + 32); var y1 = Vector256.LoadUnsafe(ref rb, (nuint)i + 32);
                        var d0 = (Vector256.Max(x0, y0) - Vector256.Min(x0, y0)).AsByte();
                        var d1 = (Vector256.Max(x1, y1) - Vector256.Min(x1, y1)).AsByte();
                        l0 = AvxVnni.MultiplyWideningAndAdd(l0, d0, (d0 & low).AsSByte());
                        h0 = AvxVnni.MultiplyWideningAndAdd(h0, d0, (d0 & high).AsSByte());
                        l1 = AvxVnni.MultiplyWideningAndAdd(l1, d1, (d1 & low).AsSByte());
                        h1 = AvxVnni.MultiplyWideningAndAdd(h1, d1, (d1 & high).AsSByte());
                    }
                    if (end - i >= 32)
                    {
                        var x0 = Vector256.LoadUnsafe(ref ra, (nuint)i); var y0 = Vector256.LoadUnsafe(ref rb, (nuint)i);
                        var d0 = (Vector256.Max(x0, y0) - Vector256.Min(x0, y0)).AsByte();
                        l0 = AvxVnni.MultiplyWideningAndAdd(l0, d0, (d0 & low).AsSByte());
                        h0 = AvxVnni.MultiplyWideningAndAdd(h0, d0, (d0 & high).AsSByte());
                        i += 32;
                    }
                    var lows = l0 + l1;
                    var highs = h0 + h1;
                    total += Vector256.Sum(Vector256.WidenLower(lows)) + Vector256.Sum(Vector256.WidenUpper(lows))
                           - (Vector256.Sum(Vector256.WidenLower(highs)) + Vector256.Sum(Vector256.WidenUpper(highs)));
                }
                break;
            case KernelPath.Vector512 when Avx512BW.IsSupported:
                while (n - i >= 64)
                {
                    int end = i + Math.Min((n - i) / 64, BlockSteps) * 64;
                    var acc = Vector512<int>.Zero;
                    for (; i < end; i += 64)
                    {
                        acc += TStep.Pairs(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref ra, (nuint)i)),
                                           Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rb, (nuint)i)));
                        acc += TStep.Pairs(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref ra, (nuint)i + 32)),
                                           Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref rb, (nuint)i + 32)));
                    }
                    total += Vector512.Sum(Vector512.WidenLower(acc)) + Vector512.Sum(Vector512.WidenUpper(acc));
                }
                break;
            case KernelPath.Vector256 when Avx2.IsSupported:
                while (n - i >= 32)
                {
                    int end = i + Math.Min((n - i) / 32, BlockSteps) * 32;
                    var acc = Vector256<int>.Zero;
                    for (; i < end; i += 32)
                    {
                        acc += TStep.Pairs(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)i)),
                                           Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)i)));
                        acc += TStep.Pairs(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)i + 16)),
                                           Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)i + 16)));
                    }
                    total += Vector256.Sum(Vector256.WidenLower(acc)) + Vector256.Sum(Vector256.WidenUpper(acc));
                }
                break;
        }
        // The 128-bit step: the whole vector where nothing wider runs, the rest of a wider loop otherwise.
        if (KernelDispatch.Active != KernelPath.Scalar)
        {
            while (n - i >= 16)
            {
                int end = i + Math.Min((n - i) / 16, BlockSteps) * 16;
                var acc = Vector128<int>.Zero;
                for (; i < end; i += 16)
                    acc += TStep.Step(Vector128.LoadUnsafe(ref ra, (nuint)i), Vector128.LoadUnsafe(ref rb, (nuint)i));
                total += Vector128.Sum(Vector128.WidenLower(acc)) + Vector128.Sum(Vector128.WidenUpper(acc));
            }
        }
        for (; i < n; i++)
            total += TStep.Scalar(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
        return total;
    }
}
