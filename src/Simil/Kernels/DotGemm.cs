using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Simil.Kernels;

/// <summary>
/// All dot products of the rows of A (M×K) with the rows of B (N×K): <c>C = A·Bᵀ</c>, row-major,
/// with AVX-512. B is packed once into panels of <see cref="NR"/> rows laid out k-major; each
/// thread packs blocks of <see cref="MC"/> rows of A into panels of <see cref="MR"/>; for each B
/// panel, one k-chunk at a time (16 KB, kept in L1), an 8×32 register tile (16 accumulators, FMA
/// with broadcast loads) passes every A panel of the block over it.
/// <para>
/// Accuracy: float32 accumulators take at most <see cref="KChunk"/> steps, then fold into a
/// float64 tile; each result is rounded to float32 once. Edges are zero-padded in the packs, and
/// only the valid part of an edge tile is written.
/// </para>
/// </summary>
static unsafe class DotGemm
{
    public const int MR = 8;
    public const int NR = 32;
    /// <summary>Rows of A per block: a block and its tiles stay in L2 while B panels pass.</summary>
    public const int MC = 256;
    const int KChunk = 128;

    /// <summary>Whether this hardware has the kernel (AVX-512 on the active path).</summary>
    public static bool IsSupported => KernelDispatch.Active == KernelPath.Vector512;

    /// <summary><paramref name="c"/>[i·N + j] = a[i]·b[j].</summary>
    public static void Run(ReadOnlySpan<float> a, int m, ReadOnlySpan<float> b, int n, int k, Span<float> c)
    {
        if (m == 0 || n == 0)
            return;
        using var packed = PackedRows.Pack(b, n, k);
        Run(a, m, packed, c);
    }

    /// <summary><paramref name="c"/>[i·N + j] = a[i]·b[j], with B packed beforehand (and reusable for other A).</summary>
    public static void Run(ReadOnlySpan<float> a, int m, PackedRows b, Span<float> c)
    {
        int n = b.Rows, k = b.Dimensions;
        if (m == 0 || n == 0)
            return;
        int blocks = (m + MC - 1) / MC;
        fixed (float* pa = a)
        fixed (float* pc = c)
        {
            float* aPtr = pa, cPtr = pc;
            // One worker per core: more would share a core's L2 between two A blocks.
            var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
            Parallel.For(0, blocks, options, block =>
            {
                // Each thread keeps its packed A block and tiles for the life of the process: no allocation per call.
                var scratch = Scratch.ForThisThread(k);
                int i0 = block * MC, rows = Math.Min(MC, m - i0);
                PackA(aPtr + (long)i0 * k, rows, k, scratch.PackedA);
                fixed (float* pA = scratch.PackedA)
                    MultiplyBlock(pA, rows, b, 0, b.Panels, cPtr + (long)i0 * n, n);
            });
        }
    }

    /// <summary>
    /// One block of at most <see cref="MC"/> rows of A, packed by <see cref="PackA"/>, against panels
    /// <paramref name="firstPanel"/> … <paramref name="firstPanel"/> + <paramref name="panelCount"/> − 1 of B, on
    /// this thread: C[i][j] for B row firstPanel·NR + j goes to <paramref name="c"/>[i·ldc + j].
    /// </summary>
    public static void MultiplyBlock(float* packedA, int rows, PackedRows b, int firstPanel, int panelCount, float* c, int ldc)
    {
        int n = b.Rows, k = b.Dimensions;
        int aPanels = (rows + MR - 1) / MR;
        var scratch = Scratch.ForThisThread(k);
        fixed (double* tiles = scratch.Tiles)
        {
            for (int p = firstPanel; p < firstPanel + panelCount; p++)
            {
                int j0 = p * NR, cols = Math.Min(NR, n - j0);
                float* bPanel = b.Pointer + (long)p * NR * k;
                new Span<double>(tiles, aPanels * MR * NR).Clear();
                // One k-chunk of the B panel (KChunk × 32 floats, 16 KB) stays in L1 while
                // every A panel of the block passes over it.
                for (int k0 = 0; k0 < k; k0 += KChunk)
                {
                    int length = Math.Min(KChunk, k - k0);
                    for (int r = 0; r < aPanels; r++)
                        Kernel(packedA + (long)r * MR * k + k0 * MR, bPanel + k0 * NR, length, tiles + r * MR * NR);
                }
                for (int r = 0; r < aPanels; r++)
                    Store(tiles + r * MR * NR, c + (long)r * MR * ldc + (j0 - firstPanel * NR), ldc, Math.Min(MR, rows - r * MR), cols);
            }
        }
    }

    /// <summary>The floats a packed block of A takes (<see cref="PackA"/>): <see cref="MC"/> rows rounded to panels.</summary>
    public static int PackedBlockFloats(int k) => MC * k;

    /// <summary>A thread's packed block of A and the float64 tiles of one B panel against it, kept for the thread's life.</summary>
    sealed class Scratch
    {
        [ThreadStatic]
        static Scratch? t_scratch;

        Scratch(int k)
        {
            Dimensions = k;
            PackedA = GC.AllocateUninitializedArray<float>(MC * k, pinned: true);
            Tiles = GC.AllocateUninitializedArray<double>(MC * NR, pinned: true);
        }

        public int Dimensions { get; }
        public float[] PackedA { get; }
        public double[] Tiles { get; }

        /// <summary>This thread's scratch, made once (and again only for wider rows than it has seen).</summary>
        public static Scratch ForThisThread(int k) =>
            t_scratch is { } s && s.Dimensions >= k ? s : t_scratch = new Scratch(k);
    }

    /// <summary>
    /// Rows of B packed once into panels of <see cref="NR"/> rows laid out k-major (zero past the last
    /// row), in 64-byte-aligned native memory, so that many products can reuse them.
    /// </summary>
    public sealed class PackedRows : IDisposable
    {
        float* _data;

        PackedRows(int rows, int dimensions)
        {
            Rows = rows;
            Dimensions = dimensions;
            Panels = (rows + NR - 1) / NR;
            _data = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)Bytes(rows, dimensions), 64);
        }

        /// <summary>The bytes a packing of <paramref name="rows"/> rows of <paramref name="dimensions"/> takes.</summary>
        public static long Bytes(int rows, int dimensions) => Math.Max(1L, (rows + NR - 1) / NR) * NR * dimensions * sizeof(float);

        public int Rows { get; }
        public int Dimensions { get; }
        public int Panels { get; }
        public float* Pointer => _data != null ? _data : throw new ObjectDisposedException(nameof(PackedRows));

        /// <summary>Packs the <paramref name="n"/> rows of <paramref name="b"/> (each <paramref name="k"/> long).</summary>
        public static PackedRows Pack(ReadOnlySpan<float> b, int n, int k)
        {
            var packed = new PackedRows(n, k);
            fixed (float* pb = b)
            {
                float* src = pb, dst = packed._data;
                Parallel.For(0, packed.Panels, p => PackPanel(src, n, k, p, dst + (long)p * NR * k));
            }
            return packed;
        }

        public void Dispose()
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }

    /// <summary>Panel p holds rows p·NR … p·NR+31 of B, k-major: packed[k][j], zero past the last row.</summary>
    static void PackPanel(float* b, int n, int k, int p, float* dst)
    {
        for (int j = 0; j < NR; j++)
        {
            int row = p * NR + j;
            if (row < n)
            {
                float* src = b + (long)row * k;
                for (int kk = 0; kk < k; kk++)
                    dst[kk * NR + j] = src[kk];
            }
            else
                for (int kk = 0; kk < k; kk++)
                    dst[kk * NR + j] = 0;
        }
    }

    /// <summary>Panels of MR rows of A (at most <see cref="MC"/> rows), k-major: packed[r/MR][k][r%MR], zero past the last row.</summary>
    public static void PackA(float* a, int rows, int k, Span<float> packed)
    {
        for (int r0 = 0; r0 < rows; r0 += MR)
        {
            var dst = packed.Slice(r0 * k, MR * k);
            for (int i = 0; i < MR; i++)
            {
                if (r0 + i < rows)
                {
                    float* src = a + (long)(r0 + i) * k;
                    for (int kk = 0; kk < k; kk++)
                        dst[kk * MR + i] = src[kk];
                }
                else
                    for (int kk = 0; kk < k; kk++)
                        dst[kk * MR + i] = 0;
            }
        }
    }

    /// <summary>One 8×32 tile over one k-chunk (at most <see cref="KChunk"/> steps), added into its float64 tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel(float* a, float* b, int length, double* tile)
    {
        var c00 = Vector512<float>.Zero; var c01 = c00; var c10 = c00; var c11 = c00;
        var c20 = c00; var c21 = c00; var c30 = c00; var c31 = c00;
        var c40 = c00; var c41 = c00; var c50 = c00; var c51 = c00;
        var c60 = c00; var c61 = c00; var c70 = c00; var c71 = c00;
        float* end = a + length * MR;
        for (; a < end; a += MR, b += NR)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        Fold(tile + 0 * NR, c00, c01); Fold(tile + 1 * NR, c10, c11);
        Fold(tile + 2 * NR, c20, c21); Fold(tile + 3 * NR, c30, c31);
        Fold(tile + 4 * NR, c40, c41); Fold(tile + 5 * NR, c50, c51);
        Fold(tile + 6 * NR, c60, c61); Fold(tile + 7 * NR, c70, c71);
    }

    /// <summary>Rounds a float64 tile once to float32 into C, only its valid part at the edges.</summary>
    static void Store(double* tile, float* c, int ldc, int rows, int cols)
    {
        if (rows == MR && cols == NR)
        {
            for (int i = 0; i < MR; i++)
            {
                double* t = tile + i * NR;
                float* dst = c + (long)i * ldc;
                for (int j = 0; j < NR; j += 16)
                    Vector512.Store(Vector512.Narrow(Vector512.Load(t + j), Vector512.Load(t + j + 8)), dst + j);
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                c[(long)i * ldc + j] = (float)tile[i * NR + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Fold(double* row, Vector512<float> left, Vector512<float> right)
    {
        Vector512.Store(Vector512.Load(row) + Vector512.WidenLower(left), row);
        Vector512.Store(Vector512.Load(row + 8) + Vector512.WidenUpper(left), row + 8);
        Vector512.Store(Vector512.Load(row + 16) + Vector512.WidenLower(right), row + 16);
        Vector512.Store(Vector512.Load(row + 24) + Vector512.WidenUpper(right), row + 24);
    }
}
