namespace Simil;

/// <summary>
/// Word-vector queries with gensim's <c>most_similar</c> semantics: the mean of the unit vectors
/// of the positive words (weight +1) and negative words (weight −1), scaled to unit length, ranked
/// by cosine, the input words left out. An analogy "A is to B as C is to ?" is positive B, C and
/// negative A.
/// </summary>
public static class WordNeighbors
{
    /// <summary>The query vector gensim builds for <paramref name="positive"/> and <paramref name="negative"/> rows.</summary>
    /// <exception cref="ArgumentException">No rows are given.</exception>
    public static float[] QueryVector(EmbeddingMatrix vectors, IReadOnlyList<int> positive, IReadOnlyList<int> negative)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        if (positive.Count + negative.Count == 0)
            Throw.Argument(nameof(positive), "give at least one positive or negative word");
        var mean = new double[vectors.Dimensions];
        foreach (var (rows, weight) in new[] { (positive, 1.0), (negative, -1.0) })
            foreach (int row in rows)
            {
                var v = vectors[row];
                double norm = Math.Sqrt(Similarity.Dot(v, v));
                if (norm == 0)
                    continue;
                for (int d = 0; d < mean.Length; d++)
                    mean[d] += weight * v[d] / norm;
            }
        int count = positive.Count + negative.Count;
        double length = 0;
        for (int d = 0; d < mean.Length; d++)
        {
            mean[d] /= count;
            length += mean[d] * mean[d];
        }
        length = Math.Sqrt(length);
        var query = new float[mean.Length];
        for (int d = 0; d < mean.Length; d++)
            query[d] = length == 0 ? 0 : (float)(mean[d] / length);
        return query;
    }

    /// <summary>The <paramref name="k"/> rows most similar (cosine) to the query, the input rows excluded, best first.</summary>
    public static Neighbor[] MostSimilar(FlatIndex index, IReadOnlyList<int> positive, IReadOnlyList<int> negative, int k)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Metric != Metric.Cosine)
            Throw.Argument(nameof(index), "most_similar ranks by cosine; build the index with Metric.Cosine");
        var query = QueryVector(index.Corpus, positive, negative);
        var exclude = new HashSet<int>(positive.Concat(negative));
        return [.. index.Search(query, k + exclude.Count).Where(n => !exclude.Contains(n.Index)).Take(k)];
    }
}
