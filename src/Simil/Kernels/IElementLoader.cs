using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Simil.Kernels;

/// <summary>
/// Brings stored elements into float32 lanes for the loop skeletons (<see cref="Reduce"/>,
/// <see cref="CosineKernel"/>): one element, or one vector of W elements starting at an index.
/// The skeletons are written once per width and generic over the loader, so a new element type
/// (float16, bfloat16: widening loads) is a loader and its tests, not a copy of the loops. A
/// widening loader must be exact (every stored value is a float32) and load zeros as zeros: the
/// masked last vector relies on it.
/// </summary>
interface IElementLoader<TElement> where TElement : unmanaged
{
    static abstract float Load(ref TElement source, nuint index);
    static abstract Vector128<float> Load128(ref TElement source, nuint index);
    static abstract Vector256<float> Load256(ref TElement source, nuint index);
    static abstract Vector512<float> Load512(ref TElement source, nuint index);
}

/// <summary>float32 as it is stored.</summary>
readonly struct Float32Loader : IElementLoader<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint index) => Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref float source, nuint index) => Vector128.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);
}

/// <summary>
/// IEEE binary16 (<see cref="Half"/>) widened exactly into float32 lanes with integer operations
/// (no FP16 instructions are exposed in .NET 10): the 15 magnitude bits shifted into a float32's
/// exponent and mantissa give the value × 2⁻¹¹², which one exact multiplication by 2¹¹² restores —
/// subnormal halves included; infinities and NaNs (exponent 31) get float32's all-ones exponent;
/// the sign bit is moved across.
/// </summary>
readonly struct Float16Loader : IElementLoader<Half>
{
    const uint Magnitude = 0x7FFF, Sign = 0x8000, InfinityOrNaN = 0x7C00;
    const float Scale = 5.192296858534828e33f;   // 2^112

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref Half source, nuint index) => (float)Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref Half source, nuint index) =>
        Widen(Vector128.WidenLower(Vector128.Create(Vector64.LoadUnsafe(ref Unsafe.As<Half, ushort>(ref source), index), Vector64<ushort>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref Half source, nuint index) => Widen(ZeroExtend256(ref Unsafe.As<Half, ushort>(ref source), index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref Half source, nuint index) => Widen(ZeroExtend512(ref Unsafe.As<Half, ushort>(ref source), index));

    /// <summary>Eight 16-bit patterns zero-extended to 32 bits: one <c>vpmovzxwd</c> where AVX2 has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> ZeroExtend256(ref ushort source, nuint index) => Avx2.IsSupported
        ? Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref source, index)).AsUInt32()
        : Vector256.WidenLower(Vector256.Create(Vector128.LoadUnsafe(ref source, index), Vector128<ushort>.Zero));

    /// <summary>Sixteen 16-bit patterns zero-extended to 32 bits: one <c>vpmovzxwd</c> where AVX-512 has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<uint> ZeroExtend512(ref ushort source, nuint index)
    {
        if (Avx512F.IsSupported)
            return Avx512F.ConvertToVector512UInt32(Vector256.LoadUnsafe(ref source, index));
        var bits = Vector256.LoadUnsafe(ref source, index);
        return Vector512.Create(Vector256.WidenLower(bits), Vector256.WidenUpper(bits));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Widen(Vector128<uint> h)
    {
        var magnitude = h & Vector128.Create(Magnitude);
        var value = (magnitude << 13).AsSingle() * Vector128.Create(Scale);
        var special = Vector128.GreaterThanOrEqual(magnitude, Vector128.Create(InfinityOrNaN));
        var bits = Vector128.ConditionalSelect(special, (magnitude << 13) | Vector128.Create(0x7F80_0000u), value.AsUInt32());
        return (bits | ((h & Vector128.Create(Sign)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Widen(Vector256<uint> h)
    {
        var magnitude = h & Vector256.Create(Magnitude);
        var value = (magnitude << 13).AsSingle() * Vector256.Create(Scale);
        var special = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(InfinityOrNaN));
        var bits = Vector256.ConditionalSelect(special, (magnitude << 13) | Vector256.Create(0x7F80_0000u), value.AsUInt32());
        return (bits | ((h & Vector256.Create(Sign)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Widen(Vector512<uint> h)
    {
        var magnitude = h & Vector512.Create(Magnitude);
        var value = (magnitude << 13).AsSingle() * Vector512.Create(Scale);
        var special = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(InfinityOrNaN));
        var bits = Vector512.ConditionalSelect(special, (magnitude << 13) | Vector512.Create(0x7F80_0000u), value.AsUInt32());
        return (bits | ((h & Vector512.Create(Sign)) << 16)).AsSingle();
    }
}

/// <summary>
/// <see cref="BFloat16"/> widened exactly into float32 lanes: each 16-bit pattern zero-extended to
/// 32 bits and shifted into the top half (bfloat16 is float32's top half).
/// </summary>
readonly struct BFloat16Loader : IElementLoader<BFloat16>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref BFloat16 source, nuint index) => (float)Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref BFloat16 source, nuint index) =>
        (Vector128.WidenLower(Vector128.Create(Vector64.LoadUnsafe(ref Unsafe.As<BFloat16, ushort>(ref source), index), Vector64<ushort>.Zero)) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref BFloat16 source, nuint index) =>
        (Float16Loader.ZeroExtend256(ref Unsafe.As<BFloat16, ushort>(ref source), index) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref BFloat16 source, nuint index) =>
        (Float16Loader.ZeroExtend512(ref Unsafe.As<BFloat16, ushort>(ref source), index) << 16).AsSingle();
}
