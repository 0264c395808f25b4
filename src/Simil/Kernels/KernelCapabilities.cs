using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Simil;

/// <summary>
/// The CPU features the kernels may use in this process: detected once, and narrowed to the
/// forced <see cref="KernelPath"/> (<c>SIMIL_KERNEL</c>, <c>DOTNET_EnableAVX512=0</c>, …) so that
/// a test forcing a path also takes away every feature above it. Kernels for compressed vectors
/// choose by these (int8 by VNNI, bits by population count), as the float kernels choose by width.
/// </summary>
[Flags]
public enum KernelCapabilities
{
    /// <summary>Scalar code only.</summary>
    None = 0,

    /// <summary>128-bit vectors (SSE4/NEON).</summary>
    Vector128 = 1 << 0,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256 = 1 << 1,

    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512 = 1 << 2,

    /// <summary>Fused multiply-add (x86 FMA3; Arm's is part of AdvSIMD).</summary>
    FusedMultiplyAdd = 1 << 3,

    /// <summary>AVX-512 byte and word instructions (AVX-512BW): 8- and 16-bit lanes at 512 bits.</summary>
    Avx512BW = 1 << 4,

    /// <summary>AVX-512 VBMI: byte permutes at 512 bits.</summary>
    Avx512Vbmi = 1 << 5,

    /// <summary>AVX-VNNI: int8 dot products into int32 at 128/256 bits (vpdpbusd).</summary>
    AvxVnni = 1 << 6,

    /// <summary>Scalar population count (POPCNT, or Arm's CNT).</summary>
    PopCount = 1 << 7,

    /// <summary>Arm AdvSIMD (NEON).</summary>
    AdvSimd = 1 << 8,

    /// <summary>Arm's int8 dot product (SDOT/UDOT).</summary>
    ArmDotProduct = 1 << 9,
}

/// <summary>Detecting <see cref="KernelCapabilities"/>.</summary>
static class CapabilityDetection
{
    /// <summary>What this hardware and runtime offer (the runtime's DOTNET_Enable* switches already applied).</summary>
    public static KernelCapabilities Detect()
    {
        var found = KernelCapabilities.None;
        if (Vector128.IsHardwareAccelerated) found |= KernelCapabilities.Vector128;
        if (Vector256.IsHardwareAccelerated) found |= KernelCapabilities.Vector256;
        if (Vector512.IsHardwareAccelerated) found |= KernelCapabilities.Vector512;
        if (Fma.IsSupported || AdvSimd.IsSupported) found |= KernelCapabilities.FusedMultiplyAdd;
        if (Avx512BW.IsSupported) found |= KernelCapabilities.Avx512BW;
        if (Avx512Vbmi.IsSupported) found |= KernelCapabilities.Avx512Vbmi;
        if (AvxVnni.IsSupported) found |= KernelCapabilities.AvxVnni;
        if (Popcnt.IsSupported || AdvSimd.IsSupported) found |= KernelCapabilities.PopCount;
        if (AdvSimd.IsSupported) found |= KernelCapabilities.AdvSimd;
        if (Dp.IsSupported) found |= KernelCapabilities.ArmDotProduct;
        return found;
    }

    /// <summary>The features of <paramref name="detected"/> that a kernel on <paramref name="path"/> may use.</summary>
    public static KernelCapabilities Narrow(KernelCapabilities detected, KernelPath path)
    {
        const KernelCapabilities Wide512 = KernelCapabilities.Vector512 | KernelCapabilities.Avx512BW | KernelCapabilities.Avx512Vbmi;
        const KernelCapabilities Wide256 = KernelCapabilities.Vector256 | KernelCapabilities.AvxVnni;
        return path switch
        {
            KernelPath.Scalar => KernelCapabilities.None,
            KernelPath.Vector128 => detected & ~(Wide512 | Wide256),
            KernelPath.Vector256 => detected & ~Wide512,
            _ => detected,
        };
    }
}
