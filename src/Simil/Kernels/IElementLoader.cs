using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
