using Simil.Search.Hnsw;

namespace Simil.Search.Compressed;

/// <summary>
/// Search over compressed rows in two steps, as FAISS's refine and sentence-transformers' rescoring
/// search do: the best <c>k × oversample</c> candidates by the codes, then those candidates scored
/// by the one-to-one float32 kernel — on the float32 rows where the index keeps them (read through
/// the map for the candidates only), else on the rows decoded from their codes — and the best k of
/// those returned. With float32 rows the reported scores are exact.
/// </summary>
static class CompressedSearch
{
    /// <summary>Below this many rows one core scans all codes.</summary>
    const int ParallelRows = 65_536;

    /// <summary>The candidates of an exhaustive scan of the codes, best first.</summary>
    public static unsafe int[] Scan(CompressedVectors codes, Metric metric, ReadOnlySpan<float> query, int candidates, float* norms)
    {
        var scorer = CodeScorer.Create(codes, metric, query, norms);
        int rows = codes.Count;
        if (rows < ParallelRows)
        {
            var top = new TopK(candidates, higherIsBetter: false);
            scorer.Scan(0, rows, top);
            return Indices(top);
        }
        int parts = Math.Min(Environment.ProcessorCount, rows / (ParallelRows / 2));
        var heaps = new TopK[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
        {
            int from = (int)((long)rows * p / parts), to = (int)((long)rows * (p + 1) / parts);
            heaps[p] = new TopK(candidates, higherIsBetter: false);
            scorer.Scan(from, to, heaps[p]);
        });
        for (int p = 1; p < parts; p++)
            heaps[0].Merge(heaps[p]);
        return Indices(heaps[0]);
    }

    static int[] Indices(TopK top) => [.. top.ToSortedArray().Select(n => n.Index)];

    /// <summary>The best <paramref name="k"/> of <paramref name="candidates"/> by the metric's float32 score.</summary>
    public static Neighbor[] Rescore(ReadOnlySpan<int> candidates, ReadOnlySpan<float> query, Metric metric, int k,
        EmbeddingMatrix? float32, CompressedVectors codes)
    {
        var scorer = QueryScorer.Create(metric, query);
        var top = new TopK(k, metric.HigherIsCloser());
        var buffer = float32 is null ? new float[codes.Dimensions] : null;
        foreach (int row in candidates)
        {
            ReadOnlySpan<float> vector;
            if (buffer is null)
                vector = float32!.Rows.Row<float>(row);
            else
            {
                codes.Decode(row, buffer);
                vector = buffer;
            }
            top.Add(scorer.Score(vector), row);
        }
        return top.ToSortedArray();
    }

    /// <summary>The graph's search target over codes: the query encoded once, each node's distance from its codes.</summary>
    public readonly struct GraphTarget(CodeScorer scorer) : HnswSearch.ITarget
    {
        public float To(int node) => scorer.Distance(node);

        public void Prefetch(int node) => scorer.Prefetch(node);
    }
}
