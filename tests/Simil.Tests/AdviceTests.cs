using Simil.Analysis;
using Simil.Testing;

namespace Simil.Tests;

/// <summary>Synthetic data whose right advice is known by construction.</summary>
public sealed class AdviceTests
{
    static float[] Gaussian(Random random, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++)
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return v;
    }

    static float[] Unit(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return [.. v.Select(x => (float)(x / norm))];
    }

    [Fact]
    public void Unit_vectors_get_cosine_computed_as_dot()
    {
        var random = new Random(1);
        var data = Enumerable.Range(0, 400).SelectMany(_ => Unit(Gaussian(random, 32))).ToArray();
        var advice = Advice.Analyze(EmbeddingMatrix.Create(data, 32));
        Assert.Equal(Metric.Cosine, advice.Recommended);
        Assert.True(advice.ComputeAsDot);
        Assert.Equal("high", advice.Confidence);
        Assert.True(advice.Norms.UnitLength);
        // By design the measures agree completely.
        Assert.All(advice.Agreements, a => Assert.Equal(1.0, a.Overlap, 6));
        Assert.Contains(advice.Reasons, r => r.Contains("computed as the dot product", StringComparison.Ordinal));
    }

    [Fact]
    public void Lengths_that_encode_quality_get_dot()
    {
        var random = new Random(2);
        var data = Enumerable.Range(0, 400).SelectMany(_ =>
        {
            float quality = (float)(0.2 + 4.8 * random.NextDouble());
            return Unit(Gaussian(random, 32)).Select(x => x * quality);
        }).ToArray();
        var advice = Advice.Analyze(EmbeddingMatrix.Create(data, 32));
        Assert.Equal(Metric.Dot, advice.Recommended);
        Assert.True(advice.DotHubCorrelation > 0.5, $"r = {advice.DotHubCorrelation}");
        Assert.True(advice.Agreements[0].Overlap < 0.5, "by design dot and cosine disagree");
        Assert.Contains(advice.Reasons, r => r.Contains("length carries signal", StringComparison.Ordinal));
    }

    [Fact]
    public void Separated_classes_of_different_lengths_get_l2sq()
    {
        var random = new Random(3);
        var direction = Unit(Gaussian(random, 16));
        var rows = new List<float>();
        var labels = new List<string>();
        for (int c = 0; c < 4; c++)
            for (int i = 0; i < 80; i++)
            {
                // Four classes along one direction at lengths 1..4: cosine cannot tell them apart, l2sq can.
                var noise = Gaussian(random, 16);
                rows.AddRange(direction.Select((x, d) => x * (c + 1) + 0.08f * noise[d]));
                labels.Add($"class{c}");
            }
        var advice = Advice.Analyze(EmbeddingMatrix.Create(rows.ToArray(), 16), labels);
        Assert.Equal(Metric.L2Squared, advice.Recommended);
        var l2 = advice.Accuracies.First(a => a.Metric == Metric.L2Squared).Accuracy;
        var cosine = advice.Accuracies.First(a => a.Metric == Metric.Cosine).Accuracy;
        Assert.True(l2 > 0.95 && cosine < l2, $"l2sq {l2}, cosine {cosine}");
        Assert.True(advice.SeparationRatio > 1.5);
        Assert.Contains(advice.Reasons, r => r.Contains("labels and class separation", StringComparison.Ordinal));
    }

    [Fact]
    public void Directions_with_noise_in_length_get_cosine()
    {
        var random = new Random(4);
        // Lengths vary a little and at random: they carry no signal and do not make hubs.
        var data = Enumerable.Range(0, 400).SelectMany(_ => Unit(Gaussian(random, 32)).Select(x => x * (float)(0.9 + 0.2 * random.NextDouble()))).ToArray();
        var advice = Advice.Analyze(EmbeddingMatrix.Create(data, 32));
        Assert.Equal(Metric.Cosine, advice.Recommended);
        Assert.False(advice.ComputeAsDot);
        Assert.False(advice.Norms.UnitLength);
    }

    [Fact]
    public void The_sample_is_reported_and_reproducible()
    {
        var random = new Random(5);
        var m = EmbeddingMatrix.Create(Enumerable.Range(0, 300 * 8).Select(_ => (float)random.NextDouble()).ToArray(), 8);
        var a = Advice.Analyze(m, sample: 100, seed: 9);
        var b = Advice.Analyze(m, sample: 100, seed: 9);
        Assert.Equal(100, a.SampleSize);
        Assert.Equal(300, a.Rows);
        Assert.Equal(a.Reasons, b.Reasons);
        Assert.Equal(a.Agreements, b.Agreements);
    }
}

/// <summary>The shared word vectors: lengths vary and drive the dot product, but they are words.</summary>
public sealed class AdviceOnWordVectorsTests
{
    [Fact]
    public void Word_vectors_get_cosine_with_the_hub_figure_as_reason()
    {
        var vectors = Simil.IO.VectorFile.Read(Repository.SharedData("gensim/euclidean_vectors.bin")).Vectors!;
        var advice = Advice.Analyze(vectors);
        Assert.Equal(Metric.Cosine, advice.Recommended);
        Assert.False(advice.Norms.UnitLength);
        Assert.True(advice.DotHubCorrelation > 0.5);
        Assert.Contains(advice.Reasons, r => r.Contains("words or texts", StringComparison.Ordinal));
    }
}
