namespace Simil.Analysis;

/// <summary>How well one measure's scores follow the human scores.</summary>
/// <param name="Metric">The measure.</param>
/// <param name="Pearson">Pearson's r between the measure (distances negated, so higher means closer for all) and the human scores.</param>
/// <param name="Spearman">Spearman's ρ, likewise.</param>
public readonly record struct MetricCorrelation(Metric Metric, double Pearson, double Spearman);

/// <summary>
/// Evaluates vectors against human similarity scores, as gensim's <c>evaluate_word_pairs</c> does:
/// pairs with a missing side are skipped and counted; for every measure, Pearson and Spearman
/// between its scores and the human ones.
/// </summary>
public sealed class PairEvaluation
{
    PairEvaluation(int pairs, int skipped, IReadOnlyList<MetricCorrelation> scores)
    {
        Pairs = pairs;
        Skipped = skipped;
        Scores = scores;
    }

    /// <summary>Pairs scored.</summary>
    public int Pairs { get; }

    /// <summary>Pairs skipped because a side had no vector (out of vocabulary).</summary>
    public int Skipped { get; }

    /// <summary>Skipped pairs as a percentage of all pairs, as gensim reports it.</summary>
    public double SkippedPercent => Pairs + Skipped == 0 ? 0 : 100.0 * Skipped / (Pairs + Skipped);

    /// <summary>One entry per measure, in the order asked.</summary>
    public IReadOnlyList<MetricCorrelation> Scores { get; }

    /// <summary>
    /// Scores each pair whose sides <paramref name="vectorOf"/> finds (null: missing) under each of
    /// <paramref name="metrics"/> and correlates with the human scores.
    /// </summary>
    public static PairEvaluation Evaluate(IReadOnlyList<ScoredPair> pairs, Func<string, float[]?> vectorOf, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(vectorOf);
        ArgumentNullException.ThrowIfNull(metrics);
        var human = new List<double>();
        var scores = metrics.Select(_ => new List<double>()).ToArray();
        int skipped = 0;
        foreach (var pair in pairs)
        {
            var a = vectorOf(pair.A);
            var b = vectorOf(pair.B);
            if (a is null || b is null)
            {
                skipped++;
                continue;
            }
            human.Add(pair.Score);
            for (int m = 0; m < metrics.Count; m++)
            {
                double value = Similarity.Compute(metrics[m], a, b);
                scores[m].Add(metrics[m].HigherIsCloser() ? value : -value);
            }
        }
        var correlations = metrics.Select((metric, m) =>
            new MetricCorrelation(metric, Correlation.Pearson(scores[m], human), Correlation.Spearman(scores[m], human))).ToArray();
        return new PairEvaluation(human.Count, skipped, correlations);
    }
}
