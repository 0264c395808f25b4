using System.Runtime.InteropServices;

namespace Simil.Benchmarks;

/// <summary>
/// NumKong (SimSIMD's successor) kernels from the <c>libnumkong.so</c> that the
/// Cloud.Unum.USearch package ships. Its float32 kernels accumulate in and return float64.
/// <c>nk_angular_f32</c> returns the cosine distance <c>1 − cos</c>.
/// </summary>
static unsafe partial class NumKong
{
    const string Library = "numkong";

    [LibraryImport(Library, EntryPoint = "nk_dot_f32")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void Dot(float* a, float* b, nuint n, double* result);

    [LibraryImport(Library, EntryPoint = "nk_angular_f32")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void Angular(float* a, float* b, nuint n, double* result);

    [LibraryImport(Library, EntryPoint = "nk_sqeuclidean_f32")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void SqEuclidean(float* a, float* b, nuint n, double* result);

    [LibraryImport(Library, EntryPoint = "nk_capabilities")]
    public static partial ulong Capabilities();
}
