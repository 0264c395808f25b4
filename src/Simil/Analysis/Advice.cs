using System.Globalization;

namespace Simil.Analysis;

/// <summary>The lengths of the rows.</summary>
/// <param name="Min">Shortest.</param>
/// <param name="Median">Median.</param>
/// <param name="Max">Longest.</param>
/// <param name="CoefficientOfVariation">Standard deviation ÷ mean.</param>
/// <param name="UnitLength">True when every length is unit length (<see cref="Analysis.UnitLength"/>).</param>
public readonly record struct NormSummary(double Min, double Median, double Max, double CoefficientOfVariation, bool UnitLength);

/// <summary>How much two measures' top-k lists agree, over the sampled queries.</summary>
/// <param name="A">One measure.</param>
/// <param name="B">The other.</param>
/// <param name="Overlap">Mean share of the top k that both lists hold.</param>
/// <param name="KendallTau">Mean Kendall's τ-b between the two rankings of the union of the lists.</param>
public readonly record struct Agreement(Metric A, Metric B, double Overlap, double KendallTau);

/// <summary>Leave-one-out k-NN accuracy of one measure on labelled rows.</summary>
/// <param name="Metric">The measure.</param>
/// <param name="Accuracy">Share of rows whose neighbours' majority label is their own.</param>
public readonly record struct NeighbourAccuracy(Metric Metric, double Accuracy);

/// <summary>
/// Which measure fits a set of vectors, and why: measured on (a fixed-seed sample of) the data —
/// lengths, agreement between the measures' top-k lists, whether length drives the dot product
/// (hubs), and with labels, k-NN accuracy and class separation — then the rules: unit vectors →
/// cosine computed as dot; labels with classes l2sq separates best → l2sq; keys that are words or
/// texts (language, where meaning lies in direction) → cosine; lengths that drive the dot product
/// → dot; else cosine. Every reason cites its figure.
/// </summary>
public sealed class Advice
{
    /// <summary>Neighbours per query in the agreement, hub and k-NN measurements.</summary>
    public const int K = 10;

    Advice() { }

    /// <summary>Rows measured (the sample).</summary>
    public int SampleSize { get; private init; }

    /// <summary>Rows in the data.</summary>
    public int Rows { get; private init; }

    /// <summary>The sample's seed, so the figures can be reproduced.</summary>
    public int Seed { get; private init; }

    /// <summary>The lengths.</summary>
    public NormSummary Norms { get; private init; }

    /// <summary>Agreement between dot–cosine, cosine–l2sq and dot–l2sq.</summary>
    public IReadOnlyList<Agreement> Agreements { get; private init; } = [];

    /// <summary>Pearson's r between a row's length and how often it is in other rows' top k under the dot product.</summary>
    public double DotHubCorrelation { get; private init; }

    /// <summary>The same under cosine.</summary>
    public double CosineHubCorrelation { get; private init; }

    /// <summary>With labels: leave-one-out k-NN accuracy per measure; empty without.</summary>
    public IReadOnlyList<NeighbourAccuracy> Accuracies { get; private init; } = [];

    /// <summary>With labels: mean between-class ÷ mean within-class Euclidean distance; NaN without.</summary>
    public double SeparationRatio { get; private init; } = double.NaN;

    /// <summary>The measure to use.</summary>
    public Metric Recommended { get; private init; }

    /// <summary>True when the recommendation is cosine to be computed as the (cheaper, identical) dot product.</summary>
    public bool ComputeAsDot { get; private init; }

    /// <summary>high, medium or low.</summary>
    public string Confidence { get; private init; } = "";

    /// <summary>Each reason: the rule and the figure it rests on.</summary>
    public IReadOnlyList<string> Reasons { get; private init; } = [];

    /// <summary>Measures <paramref name="vectors"/> and advises; <paramref name="labels"/> (one per row) enable the class measurements.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 rows, or the labels do not match the rows.</exception>
    public static Advice Analyze(EmbeddingMatrix vectors, IReadOnlyList<string>? labels = null, int sample = 2000, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count < 3)
            Throw.Argument(nameof(vectors), "advice needs at least 3 rows");
        if (labels is not null && labels.Count != vectors.Count)
            Throw.Argument(nameof(labels), $"{labels.Count} labels for {vectors.Count} rows");
        var random = new Random(seed);
        int n = Math.Min(sample, vectors.Count);
        var rows = Enumerable.Range(0, vectors.Count).OrderBy(_ => random.Next()).Take(n).OrderBy(i => i).ToArray();
        var data = new float[n * vectors.Dimensions];
        for (int i = 0; i < n; i++)
            vectors[rows[i]].CopyTo(data.AsSpan(i * vectors.Dimensions));
        var m = EmbeddingMatrix.Create(data, vectors.Dimensions);
        var sampledLabels = labels is null ? null : rows.Select(r => labels[r]).ToArray();

        var norms = Enumerable.Range(0, n).Select(i => Math.Sqrt(Similarity.Dot(m[i], m[i]))).ToArray();
        var sorted = norms.Order().ToArray();
        double mean = norms.Average();
        double cv = mean == 0 ? 0 : Math.Sqrt(norms.Sum(x => (x - mean) * (x - mean)) / n) / mean;
        var normSummary = new NormSummary(sorted[0], sorted[n / 2], sorted[^1], cv, norms.All(Analysis.UnitLength.Is));

        // Top k of every sampled row under each measure, the row itself left out.
        int k = Math.Min(K, n - 1);
        var metrics = MetricInfo.Primary;
        var tops = new int[metrics.Count][][];
        for (int t = 0; t < metrics.Count; t++)
        {
            var index = new FlatIndex(m, metrics[t]);
            var found = index.Search(m, k + 1);
            tops[t] = [.. found.Select((list, q) => list.Where(nb => nb.Index != q).Take(k).Select(nb => nb.Index).ToArray())];
        }
        var agreements = new List<Agreement>();
        foreach (var (x, y) in new[] { (0, 1), (1, 2), (0, 2) })
        {
            double overlap = 0, tau = 0;
            for (int q = 0; q < n; q++)
            {
                overlap += tops[x][q].Intersect(tops[y][q]).Count() / (double)k;
                tau += KendallTau(tops[x][q], tops[y][q], k);
            }
            agreements.Add(new Agreement(metrics[x], metrics[y], overlap / n, tau / n));
        }
        double HubCorrelation(int t)
        {
            var counts = new double[n];
            foreach (var list in tops[t])
                foreach (int i in list)
                    counts[i]++;
            return Correlation.Pearson(norms, counts);
        }
        double dotHubs = HubCorrelation(0), cosineHubs = HubCorrelation(1);

        var accuracies = new List<NeighbourAccuracy>();
        double separation = double.NaN;
        if (sampledLabels is not null)
        {
            for (int t = 0; t < metrics.Count; t++)
            {
                int right = 0;
                for (int q = 0; q < n; q++)
                {
                    var vote = tops[t][q].GroupBy(i => sampledLabels[i]).OrderByDescending(g => g.Count()).ThenBy(g => g.Min()).First().Key;
                    if (vote == sampledLabels[q])
                        right++;
                }
                accuracies.Add(new NeighbourAccuracy(metrics[t], right / (double)n));
            }
            double within = 0, between = 0;
            long wc = 0, bc = 0;
            var pairs = Math.Min(20_000, n * (n - 1) / 2);
            for (int p = 0; p < pairs; p++)
            {
                int i = random.Next(n), j = random.Next(n);
                if (i == j) continue;
                double d = Similarity.L2(m[i], m[j]);
                if (sampledLabels[i] == sampledLabels[j]) { within += d; wc++; } else { between += d; bc++; }
            }
            separation = wc == 0 || bc == 0 || within == 0 ? double.NaN : (between / bc) / (within / wc);
        }

        // Keys that are words or texts mark embeddings of language, where meaning lies in direction.
        bool textKeys = vectors.Keys is { Count: > 0 } keys && keys.Count(k => k.Any(char.IsLetter)) >= 0.9 * keys.Count;
        var advice = Decide(normSummary, agreements, dotHubs, cosineHubs, accuracies, separation, textKeys);
        return new Advice
        {
            SampleSize = n, Rows = vectors.Count, Seed = seed, Norms = normSummary, Agreements = agreements,
            DotHubCorrelation = dotHubs, CosineHubCorrelation = cosineHubs, Accuracies = accuracies, SeparationRatio = separation,
            Recommended = advice.Metric, ComputeAsDot = advice.AsDot, Confidence = advice.Confidence, Reasons = advice.Reasons,
        };
    }

    static (Metric Metric, bool AsDot, string Confidence, List<string> Reasons) Decide(NormSummary norms, List<Agreement> agreements,
        double dotHubs, double cosineHubs, List<NeighbourAccuracy> accuracies, double separation, bool textKeys)
    {
        var c = CultureInfo.InvariantCulture;
        var reasons = new List<string>();
        var dotCosine = agreements[0];
        if (norms.UnitLength)
        {
            reasons.Add(string.Format(c, "Every length is within {0} of 1 (min {1:F4}, max {2:F4}): on unit vectors cosine equals the dot product and l2sq = 2 − 2·cosine, so all three rank alike (dot–cosine top-{3} overlap {4:P0}).",
                Analysis.UnitLength.Tolerance, norms.Min, norms.Max, K, dotCosine.Overlap));
            reasons.Add("Rule: normalised embeddings → cosine, computed as the dot product because it is identical and cheaper.");
            return (Metric.Cosine, true, "high", reasons);
        }
        if (accuracies.Count > 0)
        {
            var best = accuracies.OrderByDescending(a => a.Accuracy).ThenBy(a => a.Metric == Metric.L2Squared ? 0 : 1).First();
            var l2 = accuracies.First(a => a.Metric == Metric.L2Squared);
            if (l2.Accuracy >= best.Accuracy - 1e-9)
            {
                reasons.Add(string.Format(c, "With the labels, leave-one-out {0}-NN accuracy is {1}: l2sq is the best.",
                    K, string.Join(", ", accuracies.Select(a => string.Format(c, "{0} {1:P1}", a.Metric.Name(), a.Accuracy)))));
                if (!double.IsNaN(separation))
                    reasons.Add(string.Format(c, "Classes are {0:F2}× farther apart between than within (mean Euclidean distance).", separation));
                reasons.Add("Rule: labels and class separation → l2sq.");
                double margin = l2.Accuracy - accuracies.Where(a => a.Metric != Metric.L2Squared).Max(a => a.Accuracy);
                return (Metric.L2Squared, false, margin >= 0.05 ? "high" : margin > 0 ? "medium" : "low", reasons);
            }
            reasons.Add(string.Format(c, "With the labels, leave-one-out {0}-NN accuracy is best under {1} ({2:P1}).", K, best.Metric.Name(), best.Accuracy));
            reasons.Add("Rule: use the measure that separates the labelled classes best.");
            return (best.Metric, false, "medium", reasons);
        }
        reasons.Add(string.Format(c, "Lengths vary (min {0:G4}, median {1:G4}, max {2:G4}, coefficient of variation {3:F2}), so the measures rank differently (dot–cosine top-{4} overlap {5:P0}, Kendall's τ {6:F2}).",
            norms.Min, norms.Median, norms.Max, norms.CoefficientOfVariation, K, dotCosine.Overlap, dotCosine.KendallTau));
        if (textKeys)
        {
            reasons.Add(string.Format(c, "The keys are words or texts: in embeddings of language, length mostly reflects frequency, and it drives the dot product here (r = {0:F2} between a row's length and how often it is a top-{1} neighbour under dot, {2:F2} under cosine), filling dot's lists with the same long rows.",
                dotHubs, K, cosineHubs));
            reasons.Add("Rule: for similarity of meaning, compare directions → cosine (normalise the vectors once and it becomes the cheaper dot product).");
            return (Metric.Cosine, false, dotHubs >= 0.5 ? "high" : "medium", reasons);
        }
        if (dotHubs >= 0.5 && dotHubs - cosineHubs >= 0.3)
        {
            reasons.Add(string.Format(c, "Length drives the dot product: a row's length correlates with how often it is a top-{0} neighbour at r = {1:F2} under dot, {2:F2} under cosine.", K, dotHubs, cosineHubs));
            reasons.Add("Rule: length carries signal → dot (as in recommendation, where a longer vector is a better item); use cosine instead if length is noise in your data.");
            return (Metric.Dot, false, dotHubs >= 0.7 ? "medium" : "low", reasons);
        }
        reasons.Add(string.Format(c, "Length does not drive the dot product much (r = {0:F2} between length and being a neighbour under dot).", dotHubs));
        reasons.Add("Rule: with no evidence that length means something, compare directions → cosine.");
        return (Metric.Cosine, false, "medium", reasons);
    }

    /// <summary>Kendall's τ-b between two top-k lists over their union, a missing item ranked k + 1.</summary>
    static double KendallTau(int[] x, int[] y, int k)
    {
        var union = x.Union(y).ToArray();
        if (union.Length < 2)
            return 1;
        double Rank(int[] list, int item) { int i = Array.IndexOf(list, item); return i < 0 ? k + 1 : i + 1; }
        var rx = union.Select(i => Rank(x, i)).ToArray();
        var ry = union.Select(i => Rank(y, i)).ToArray();
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < union.Length; i++)
            for (int j = i + 1; j < union.Length; j++)
            {
                double a = Math.Sign(rx[i] - rx[j]), b = Math.Sign(ry[i] - ry[j]);
                if (a == 0 && b == 0) continue;
                if (a == 0) tiesX++;
                else if (b == 0) tiesY++;
                else if (a == b) concordant++;
                else discordant++;
            }
        double denominator = Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? 1 : (concordant - discordant) / denominator;
    }
}
