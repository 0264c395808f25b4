using Microsoft.Extensions.VectorData;

namespace Simil.VectorData;

/// <summary>MEVD's distance functions as Simil's metrics and scores (every one computed by Simil's kernels, Hamming by a count).</summary>
static class Scoring
{
    public static readonly string[] Supported =
    [
        DistanceFunction.CosineSimilarity, DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity,
        DistanceFunction.NegativeDotProductSimilarity, DistanceFunction.EuclideanDistance, DistanceFunction.EuclideanSquaredDistance,
        DistanceFunction.ManhattanDistance, DistanceFunction.HammingDistance,
    ];

    /// <summary>The Simil metric of <paramref name="distance"/>; Hamming has none (its index file ranks by l1, which no search reads).</summary>
    public static Metric MetricOf(string distance) => distance switch
    {
        DistanceFunction.CosineSimilarity => Metric.Cosine,
        DistanceFunction.CosineDistance => Metric.CosineDistance,
        DistanceFunction.DotProductSimilarity => Metric.Dot,
        DistanceFunction.NegativeDotProductSimilarity => Metric.NegativeDot,
        DistanceFunction.EuclideanDistance => Metric.L2,
        DistanceFunction.EuclideanSquaredDistance => Metric.L2Squared,
        DistanceFunction.ManhattanDistance or DistanceFunction.HammingDistance => Metric.L1,
        _ => throw new NotSupportedException($"distance function '{distance}' is not supported by Simil collections; supported: {string.Join(", ", Supported)}"),
    };

    /// <summary>Higher scores are closer for these.</summary>
    public static bool HigherIsCloser(string distance) => distance is DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity;

    /// <summary>MEVD's score of <paramref name="row"/> against <paramref name="query"/>: <paramref name="metric"/> (<see cref="MetricOf"/>, resolved once per search), or the Hamming count.</summary>
    public static float Score(Metric metric, bool hamming, ReadOnlySpan<float> query, ReadOnlySpan<float> row)
    {
        if (hamming)
        {
            int differ = 0;
            for (int i = 0; i < query.Length; i++)
                if (query[i] != row[i])
                    differ++;
            return differ;
        }
        return Similarity.Compute(metric, query, row);
    }
}
