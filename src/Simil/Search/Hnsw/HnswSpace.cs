using System.Runtime.CompilerServices;
using Simil.Kernels;
using Simil.Storage;

namespace Simil.Search.Hnsw;

/// <summary>
/// The distance the graph is built and searched with, lower is closer, for one metric family. The
/// graph only proposes candidates (their final scores come from the one-to-one kernels), so these
/// distances need to rank like the metric, not to equal it. Every one costs one pass over a row.
/// </summary>
interface IHnswSpace
{
    /// <summary>Between two rows (building).</summary>
    float Between(int a, int b);

    /// <summary>From a query to a row (searching).</summary>
    float ToQuery(ReadOnlySpan<float> query, int row);

    /// <summary>Starts loading <paramref name="row"/> into the cache (a hint; nothing happens without SSE).</summary>
    void Prefetch(int row);
}

/// <summary>The prefetch every space shares.</summary>
static class RowPrefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Row(VectorRows rows, int row)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
            return;
        var span = rows.Row<float>(row);
        // A hint only: the address is not kept, so a managed array moving later does no harm.
        byte* p = (byte*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span));
        int bytes = span.Length * sizeof(float);
        for (int at = 0; at < bytes; at += 64)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + at);
    }
}

/// <summary>l2sq and l2 (same order): the squared distance itself.</summary>
readonly unsafe struct L2Space(VectorRows rows) : IHnswSpace
{
    public void Prefetch(int row) => RowPrefetch.Row(rows, row);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Between(int a, int b) => (float)Reduce.Run<L2SquaredOperator>(rows.Row<float>(a), rows.Row<float>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToQuery(ReadOnlySpan<float> query, int row) => (float)Reduce.Run<L2SquaredOperator>(query, rows.Row<float>(row));
}

/// <summary>cosine and cosine distance: minus the cosine (the query's length does not change the order); a zero row is at 0.</summary>
readonly unsafe struct CosineSpace(VectorRows rows, float* norms) : IHnswSpace
{
    public void Prefetch(int row) => RowPrefetch.Row(rows, row);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double Inverse(float norm) => norm > 0 ? 1.0 / norm : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Between(int a, int b) =>
        -(float)(Reduce.Run<DotOperator>(rows.Row<float>(a), rows.Row<float>(b)) * Inverse(norms[a]) * Inverse(norms[b]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToQuery(ReadOnlySpan<float> query, int row) => -(float)(Reduce.Run<DotOperator>(query, rows.Row<float>(row)) * Inverse(norms[row]));
}

/// <summary>
/// dot and neg-dot: maximum inner-product search on a graph built with the inner product itself
/// (ip-NSW: Morozov and Babenko, "Non-metric similarity graphs for maximum inner product search",
/// NeurIPS 2018). Long rows gather many links, which is where the largest inner products are. The
/// reduction to nearest neighbours (Bachrach et al. 2014: x' = [x, √(Φ² − ‖x‖²)], q' = [q, 0]) was
/// tried first and measured worse here: recall@10 at ef 64 of 0.53 against 1.00 on rows whose
/// lengths spread over 10×, 0.996 against 0.998 on clustered rows (<c>docs/ARCHITECTURE.md</c>).
/// </summary>
readonly struct DotSpace(VectorRows rows) : IHnswSpace
{
    public void Prefetch(int row) => RowPrefetch.Row(rows, row);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Between(int a, int b) => -(float)Reduce.Run<DotOperator>(rows.Row<float>(a), rows.Row<float>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToQuery(ReadOnlySpan<float> query, int row) => -(float)Reduce.Run<DotOperator>(query, rows.Row<float>(row));
}
