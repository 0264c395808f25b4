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
/// (.NET 10 exposes no F16C or FP16 conversion): each pattern is sign-extended to 32 bits and
/// shifted left by 13, which puts the 15 magnitude bits in a float32's exponent and mantissa and
/// copies of the sign in bits 28–31; clearing bits 28–30 leaves a float32 worth the value × 2⁻¹¹²
/// with the right sign, and one exact multiplication by 2¹¹² restores it, subnormal halves
/// included. Exponent 31 (infinities and NaNs, whose product would be ±2¹⁶·(1 + m)) gets
/// float32's all-ones exponent with the mantissa kept. Four vector operations and a masked OR
/// per vector (the zero-extending form took eight).
/// </summary>
readonly struct Float16Loader : IElementLoader<Half>
{
    const int Clear = unchecked((int)0x8FFF_FFFF), Exponent = 0x0F80_0000, AllOnes = 0x7F80_0000;
    const float Scale = 5.192296858534828e33f;   // 2^112

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref Half source, nuint index) => (float)Unsafe.Add(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref Half source, nuint index)
    {
        ref short bits = ref Unsafe.As<Half, short>(ref source);
        var h = Sse41.IsSupported
            ? Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref bits, index)))).AsInt16())
            : Vector128.WidenLower(Vector128.Create(Vector64.LoadUnsafe(ref bits, index), Vector64<short>.Zero));
        var s = h << 13;
        var value = (s & Vector128.Create(Clear)).AsSingle() * Vector128.Create(Scale);
        var special = Vector128.Equals(s & Vector128.Create(Exponent), Vector128.Create(Exponent));
        return Vector128.ConditionalSelect(special.AsSingle(), (value.AsInt32() | Vector128.Create(AllOnes)).AsSingle(), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref Half source, nuint index)
    {
        ref short bits = ref Unsafe.As<Half, short>(ref source);
        var h = Avx2.IsSupported
            ? Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref bits, index))
            : Vector256.WidenLower(Vector256.Create(Vector128.LoadUnsafe(ref bits, index), Vector128<short>.Zero));
        var s = h << 13;
        var value = (s & Vector256.Create(Clear)).AsSingle() * Vector256.Create(Scale);
        var special = Vector256.Equals(s & Vector256.Create(Exponent), Vector256.Create(Exponent));
        return Vector256.ConditionalSelect(special.AsSingle(), (value.AsInt32() | Vector256.Create(AllOnes)).AsSingle(), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref Half source, nuint index)
    {
        ref short bits = ref Unsafe.As<Half, short>(ref source);
        Vector512<int> h;
        if (Avx512F.IsSupported)
            h = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref bits, index));
        else
        {
            var raw = Vector256.LoadUnsafe(ref bits, index);
            h = Vector512.Create(Vector256.WidenLower(raw), Vector256.WidenUpper(raw));
        }
        var s = h << 13;
        var value = (s & Vector512.Create(Clear)).AsSingle() * Vector512.Create(Scale);
        var special = Vector512.Equals(s & Vector512.Create(Exponent), Vector512.Create(Exponent));
        return Vector512.ConditionalSelect(special.AsSingle(), (value.AsInt32() | Vector512.Create(AllOnes)).AsSingle(), value);
    }

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
