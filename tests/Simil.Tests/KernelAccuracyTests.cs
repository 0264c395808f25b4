namespace Simil.Tests;

/// <summary>
/// Every kernel against the float64 reference at every length 0..257 (each remainder of each
/// width) and at 1023, 4096 and 65,536, on data of mixed magnitude and sign, with the
/// tolerances DESIGN.md states. <see cref="KernelPathTests"/> reruns this class in child
/// processes with each narrower hardware path forced.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class KernelAccuracyTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 257; n++) data.Add(n);
        data.Add(1023);
        data.Add(4096);
        data.Add(65_536);
        return data;
    }

    /// <summary>
    /// When a parent process forced a path, it says which one it expects here; otherwise the
    /// widest path of this hardware must be the one in use.
    /// </summary>
    [Fact]
    public void The_expected_kernel_path_runs()
    {
        var expected = Environment.GetEnvironmentVariable(KernelPathTests.ExpectVariable);
        var want = expected is null ? Kernels.KernelDispatch.Widest : Enum.Parse<KernelPath>(expected);
        Assert.Equal(want, Similarity.ActiveKernelPath);
    }

    [Fact]
    public void Capabilities_never_exceed_the_path_that_runs()
    {
        var caps = Similarity.KernelCapabilities;
        var path = Similarity.ActiveKernelPath;
        Assert.Equal(path >= KernelPath.Vector512, caps.HasFlag(KernelCapabilities.Vector512));
        Assert.Equal(path >= KernelPath.Vector256, caps.HasFlag(KernelCapabilities.Vector256));
        Assert.Equal(path >= KernelPath.Vector128, caps.HasFlag(KernelCapabilities.Vector128));
        if (path < KernelPath.Vector512)
            Assert.Equal(KernelCapabilities.None, caps & (KernelCapabilities.Avx512BW | KernelCapabilities.Avx512Vbmi));
        if (path < KernelPath.Vector256)
            Assert.False(caps.HasFlag(KernelCapabilities.AvxVnni));
        if (path == KernelPath.Scalar)
            Assert.Equal(KernelCapabilities.None, caps);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Kernels_match_the_float64_reference(int length)
    {
        var random = new Random(length * 7919 + 17);
        // Offset the start by one float so that loads are not aligned to the vector width.
        var bufferA = Reference.MixedData(random, length + 1);
        var bufferB = Reference.MixedData(random, length + 1);
        var a = bufferA[1..];
        var b = bufferB[1..];
        ReadOnlySpan<float> sa = bufferA.AsSpan(1), sb = bufferB.AsSpan(1);

        double dot = Reference.Dot(a, b), scale = Reference.AbsDot(a, b);
        Assert.InRange(Similarity.Dot(sa, sb) - dot, -1e-6 * scale, 1e-6 * scale);
        Assert.InRange(-Similarity.Compute(Metric.NegativeDot, sa, sb) - dot, -1e-6 * scale, 1e-6 * scale);

        double cosine = Reference.Cosine(a, b);
        Assert.InRange(Similarity.Cosine(sa, sb) - cosine, -2e-6, 2e-6);
        Assert.InRange(Similarity.CosineDistance(sa, sb) - (1 - cosine), -2e-6, 2e-6);

        double l2sq = Reference.L2Squared(a, b);
        AssertRelative(l2sq, Similarity.L2Squared(sa, sb));
        AssertRelative(Math.Sqrt(l2sq), Similarity.L2(sa, sb));
        AssertRelative(Reference.L1(a, b), Similarity.L1(sa, sb));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float64_kernels_match_a_plain_float64_loop(int length)
    {
        var random = new Random(length * 31 + 5);
        var a = Reference.MixedData(random, length + 1).Select(x => (double)x * (1 + 1e-9 * random.NextDouble())).ToArray();
        var b = Reference.MixedData(random, length + 1).Select(x => (double)x).ToArray();
        ReadOnlySpan<double> sa = a.AsSpan(1), sb = b.AsSpan(1);
        double dot = 0, scale = 0, aa = 0, bb = 0, l2sq = 0, l1 = 0;
        for (int i = 1; i <= length; i++)
        {
            dot += a[i] * b[i]; scale += Math.Abs(a[i] * b[i]); aa += a[i] * a[i]; bb += b[i] * b[i];
            l2sq += (a[i] - b[i]) * (a[i] - b[i]); l1 += Math.Abs(a[i] - b[i]);
        }
        Assert.InRange(Similarity.Dot(sa, sb) - dot, -1e-13 * scale, 1e-13 * scale);
        Assert.InRange(Similarity.Compute(Metric.NegativeDot, sa, sb) + dot, -1e-13 * scale, 1e-13 * scale);
        double cosine = aa == 0 || bb == 0 ? 0 : dot / Math.Sqrt(aa * bb);
        Assert.InRange(Similarity.Cosine(sa, sb) - cosine, -1e-13, 1e-13);
        Assert.InRange(Similarity.L2Squared(sa, sb) - l2sq, -1e-13 * l2sq, 1e-13 * l2sq);
        Assert.InRange(Similarity.L1(sa, sb) - l1, -1e-13 * l1, 1e-13 * l1);
        Assert.InRange(Similarity.L2(sa, sb) - Math.Sqrt(l2sq), -1e-13 * Math.Sqrt(l2sq), 1e-13 * Math.Sqrt(l2sq));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Compute_gives_what_each_kernel_gives(int length)
    {
        var random = new Random(length + 1);
        var a = Reference.MixedData(random, length);
        var b = Reference.MixedData(random, length);
        Assert.Equal(Similarity.Dot(a, b), Similarity.Compute(Metric.Dot, a, b));
        Assert.Equal(Similarity.Cosine(a, b), Similarity.Compute(Metric.Cosine, a, b));
        Assert.Equal(Similarity.L2Squared(a, b), Similarity.Compute(Metric.L2Squared, a, b));
        Assert.Equal(Similarity.L2(a, b), Similarity.Compute(Metric.L2, a, b));
        Assert.Equal(Similarity.CosineDistance(a, b), Similarity.Compute(Metric.CosineDistance, a, b));
        Assert.Equal(-Similarity.Dot(a, b), Similarity.Compute(Metric.NegativeDot, a, b));
        Assert.Equal(Similarity.L1(a, b), Similarity.Compute(Metric.L1, a, b));
    }

    [Fact]
    public void Long_vectors_of_one_sign_keep_float64_accuracy()
    {
        // Plain float32 accumulation of 65,536 positive terms drifts by ~1e-5 relative; the
        // block-wise float64 fold must not.
        var random = new Random(5);
        var a = new float[65_536];
        var b = new float[65_536];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)random.NextDouble(); b[i] = (float)random.NextDouble(); }
        AssertRelative(Reference.Dot(a, b), Similarity.Dot(a, b));
        AssertRelative(Reference.L2Squared(a, b), Similarity.L2Squared(a, b));
        Assert.InRange(Similarity.Cosine(a, b) - Reference.Cosine(a, b), -2e-6, 2e-6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(100)]
    public void A_zero_vector_has_cosine_zero_and_no_NaN(int length)
    {
        var zero = new float[length];
        var other = Reference.MixedData(new Random(length), length);
        Assert.Equal(0f, Similarity.Cosine(zero, zero));
        Assert.Equal(0f, Similarity.Cosine(zero, other));
        Assert.Equal(0f, Similarity.Cosine(other, zero));
        Assert.Equal(1f, Similarity.CosineDistance(zero, other));
        Assert.Equal(0f, Similarity.Dot(zero, other));
        Assert.Equal(0f, Similarity.L2Squared(zero, zero));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 4)]
    [InlineData(384, 383)]
    public void Different_lengths_are_an_error(int lengthA, int lengthB)
    {
        var a = new float[lengthA];
        var b = new float[lengthB];
        foreach (var metric in MetricInfo.All)
        {
            var e = Assert.Throws<ArgumentException>(() => Similarity.Compute(metric, a, b));
            Assert.Contains($"{lengthA} and {lengthB}", e.Message, StringComparison.Ordinal);
        }
    }

    static void AssertRelative(double expected, double actual)
    {
        double tolerance = 1e-6 * Math.Abs(expected);
        Assert.InRange(actual - expected, -tolerance, tolerance);
    }
}
