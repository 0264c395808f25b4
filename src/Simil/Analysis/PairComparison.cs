using System.Globalization;

namespace Simil.Analysis;

/// <summary>
/// Two vectors scored under several metrics, with their lengths and what the numbers mean
/// together: on unit vectors cosine equals the dot product and <c>l2sq = 2 − 2·cos</c>, so all
/// three rank alike; otherwise the dot product also grows with the vectors' lengths.
/// </summary>
public sealed class PairComparison
{
    PairComparison(int dimensions, double normA, double normB, IReadOnlyList<MetricScore> scores, IReadOnlyList<string> notes)
    {
        Dimensions = dimensions;
        NormA = normA;
        NormB = normB;
        Scores = scores;
        Notes = notes;
    }

    /// <summary>Scores <paramref name="a"/> against <paramref name="b"/> under each of <paramref name="metrics"/>.</summary>
    /// <exception cref="InputException">The vectors have different lengths.</exception>
    public static PairComparison Compare(ReadOnlySpan<float> a, ReadOnlySpan<float> b, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (a.Length != b.Length)
            throw new InputException($"the vectors have different lengths: {a.Length} and {b.Length}; both must have the same number of dimensions");
        var scores = new MetricScore[metrics.Count];
        for (int i = 0; i < scores.Length; i++)
            scores[i] = new MetricScore(metrics[i], Similarity.Compute(metrics[i], a, b));
        double normA = Math.Sqrt(Similarity.Dot(a, a));
        double normB = Math.Sqrt(Similarity.Dot(b, b));
        double cosine = Similarity.Cosine(a, b);
        return new PairComparison(a.Length, normA, normB, scores, Explain(normA, normB, cosine));
    }

    /// <summary>The number of dimensions of both vectors.</summary>
    public int Dimensions { get; }

    /// <summary>The Euclidean length of the first vector.</summary>
    public double NormA { get; }

    /// <summary>The Euclidean length of the second vector.</summary>
    public double NormB { get; }

    /// <summary>One score per requested metric, in the order requested.</summary>
    public IReadOnlyList<MetricScore> Scores { get; }

    /// <summary>Sentences on what the scores mean together, each backed by a figure.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>True when both vectors have unit length (<see cref="UnitLength"/>).</summary>
    public bool BothUnitLength => IsUnit(NormA) && IsUnit(NormB);

    static bool IsUnit(double norm) => UnitLength.Is(norm);

    static List<string> Explain(double normA, double normB, double cosine)
    {
        var c = CultureInfo.InvariantCulture;
        var notes = new List<string>();
        if (normA == 0 || normB == 0)
        {
            notes.Add("A zero vector is orthogonal to everything, itself included: its cosine is 0 and its dot product 0.");
            return notes;
        }
        if (IsUnit(normA) && IsUnit(normB))
        {
            notes.Add(string.Format(c,
                "Both vectors have length {0:F3}, so cosine equals the dot product and l2sq = 2 − 2·cosine = {1:G6}: " +
                "all three rank neighbours the same way, and the dot product is the cheapest to compute.",
                (normA + normB) / 2, 2 - 2 * cosine));
        }
        else
        {
            notes.Add(string.Format(c,
                "The vectors have lengths {0:G6} and {1:G6}, so dot = cosine × {0:G6} × {1:G6} grows with length while cosine ignores it, " +
                "and l2sq = ‖a‖² + ‖b‖² − 2·dot: the three measures can rank neighbours differently.",
                normA, normB));
        }
        return notes;
    }
}

/// <summary>A metric and the score it gave.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Score">Its value for the pair.</param>
public readonly record struct MetricScore(Metric Metric, float Score);
