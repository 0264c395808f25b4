using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// Masks for the last, overlapping vector of a loop: when <c>r</c> elements remain and the last
/// full vector is loaded at <c>n − W</c>, only its top <c>r</c> lanes are new. The mask keeps those
/// lanes and zeroes the rest. All widths share one table of 16 zero words then 16 one words.
/// </summary>
static class TailMask
{
    static ReadOnlySpan<uint> Bits =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u,
    ];

    static ref float Table => ref Unsafe.As<uint, float>(ref MemoryMarshal.GetReference(Bits));

    /// <summary>Keeps the top <paramref name="remaining"/> (1..4) lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(nuint remaining) => Vector128.LoadUnsafe(ref Table, 12 + remaining);

    /// <summary>Keeps the top <paramref name="remaining"/> (1..8) lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(nuint remaining) => Vector256.LoadUnsafe(ref Table, 8 + remaining);

    /// <summary>Keeps the top <paramref name="remaining"/> (1..16) lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(nuint remaining) => Vector512.LoadUnsafe(ref Table, remaining);

    static ref double Table64 => ref Unsafe.As<uint, double>(ref MemoryMarshal.GetReference(Bits));

    /// <summary>Keeps the top <paramref name="remaining"/> (1..2) float64 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load128Of64(nuint remaining) => Vector128.LoadUnsafe(ref Table64, 6 + remaining);

    /// <summary>Keeps the top <paramref name="remaining"/> (1..4) float64 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load256Of64(nuint remaining) => Vector256.LoadUnsafe(ref Table64, 4 + remaining);

    /// <summary>Keeps the top <paramref name="remaining"/> (1..8) float64 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load512Of64(nuint remaining) => Vector512.LoadUnsafe(ref Table64, remaining);
}
