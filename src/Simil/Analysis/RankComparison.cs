namespace Simil.Analysis;

/// <summary>A corpus row that is in the top k under at least one of the three measures.</summary>
/// <param name="Index">The row.</param>
/// <param name="Norm">Its Euclidean length.</param>
/// <param name="DotRank">1-based rank under the dot product, or 0 when outside the top k.</param>
/// <param name="CosineRank">1-based rank under cosine, or 0.</param>
/// <param name="L2SquaredRank">1-based rank under l2sq, or 0.</param>
public readonly record struct RankedRow(int Index, double Norm, int DotRank, int CosineRank, int L2SquaredRank)
{
    /// <summary>True when the three measures do not give the row the same rank.</summary>
    public bool Moves => DotRank != CosineRank || CosineRank != L2SquaredRank;
}

/// <summary>
/// The top k of one query under dot, cosine and l2sq side by side, with each row's length: where
/// the lists differ, the lengths show why (the dot product favours long rows, l2sq short ones
/// near the query's length, cosine ignores length).
/// </summary>
public sealed class RankComparison
{
    RankComparison(double queryNorm, IReadOnlyList<RankedRow> rows, IReadOnlyList<string> notes)
    {
        QueryNorm = queryNorm;
        Rows = rows;
        Notes = notes;
    }

    /// <summary>The query's length.</summary>
    public double QueryNorm { get; }

    /// <summary>Every row in some top k, ordered by its best rank.</summary>
    public IReadOnlyList<RankedRow> Rows { get; }

    /// <summary>What the differences mean, with figures.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Compares the top <paramref name="k"/> of <paramref name="query"/> under the three measures.</summary>
    public static RankComparison Explain(EmbeddingMatrix corpus, ReadOnlySpan<float> query, int k)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var lists = new Neighbor[MetricInfo.Primary.Count][];
        for (int m = 0; m < lists.Length; m++)
            lists[m] = new FlatIndex(corpus, MetricInfo.Primary[m]).Search(query, k);
        var rank = new Dictionary<int, int[]>();
        for (int m = 0; m < lists.Length; m++)
            for (int r = 0; r < lists[m].Length; r++)
            {
                if (!rank.TryGetValue(lists[m][r].Index, out var ranks))
                    rank[lists[m][r].Index] = ranks = new int[3];
                ranks[m] = r + 1;
            }
        var rows = rank.Select(kv => new RankedRow(kv.Key, Math.Sqrt(Similarity.Dot(corpus[kv.Key], corpus[kv.Key])), kv.Value[0], kv.Value[1], kv.Value[2]))
            .OrderBy(r => new[] { r.DotRank, r.CosineRank, r.L2SquaredRank }.Where(x => x > 0).Min()).ThenBy(r => r.Index).ToArray();
        double queryNorm = Math.Sqrt(Similarity.Dot(query, query));
        return new RankComparison(queryNorm, rows, Explain(rows, queryNorm));
    }

    static List<string> Explain(RankedRow[] rows, double queryNorm)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var notes = new List<string>();
        int moving = rows.Count(r => r.Moves);
        if (moving == 0)
        {
            notes.Add("The three measures give the same list in the same order.");
            return notes;
        }
        var dotOnly = rows.Where(r => r.DotRank > 0 && r.CosineRank == 0).ToArray();
        var cosineOnly = rows.Where(r => r.CosineRank > 0 && r.DotRank == 0).ToArray();
        notes.Add(string.Format(c, "{0} of {1} rows move between the lists.", moving, rows.Length));
        if (dotOnly.Length > 0 && cosineOnly.Length > 0)
            notes.Add(string.Format(c, "Rows only the dot product ranks have mean length {0:G4}; rows only cosine ranks, {1:G4}: the dot product favours long vectors.",
                dotOnly.Average(r => r.Norm), cosineOnly.Average(r => r.Norm)));
        var l2Only = rows.Where(r => r.L2SquaredRank > 0 && r.CosineRank == 0).ToArray();
        if (l2Only.Length > 0)
            notes.Add(string.Format(c, "Rows only l2sq ranks have mean length {0:G4} (the query's is {1:G4}): l2sq prefers rows of about the query's length.",
                l2Only.Average(r => r.Norm), queryNorm));
        return notes;
    }
}
