namespace Simil;

/// <summary>The SIMD width the kernels run with, chosen once per process.</summary>
public enum KernelPath
{
    /// <summary>Plain scalar code with float64 accumulation.</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE/NEON).</summary>
    Vector128,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,
}
