using System.Runtime.InteropServices;

namespace Simil.Benchmarks;

/// <summary>NumKong's kernels for compressed element types (<c>libnumkong.so</c> from Cloud.Unum.USearch), for the same types Simil computes on.</summary>
static unsafe partial class NumKong
{
    [LibraryImport(Library, EntryPoint = "nk_dot_f16")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void DotF16(void* a, void* b, nuint n, float* result);

    [LibraryImport(Library, EntryPoint = "nk_sqeuclidean_f16")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void SqEuclideanF16(void* a, void* b, nuint n, float* result);

    [LibraryImport(Library, EntryPoint = "nk_dot_bf16")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void DotBF16(void* a, void* b, nuint n, float* result);

    [LibraryImport(Library, EntryPoint = "nk_sqeuclidean_bf16")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void SqEuclideanBF16(void* a, void* b, nuint n, float* result);

    [LibraryImport(Library, EntryPoint = "nk_dot_i8")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void DotI8(void* a, void* b, nuint n, int* result);

    [LibraryImport(Library, EntryPoint = "nk_sqeuclidean_i8")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void SqEuclideanI8(void* a, void* b, nuint n, uint* result);

    [LibraryImport(Library, EntryPoint = "nk_hamming_u1")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    [SuppressGCTransition]
    public static partial void HammingU1(void* a, void* b, nuint bits, uint* result);
}
