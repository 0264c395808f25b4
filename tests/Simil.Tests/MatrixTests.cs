namespace Simil.Tests;

/// <summary>
/// <see cref="Similarity.Matrix(Metric, EmbeddingMatrix, EmbeddingMatrix, Span{float})"/> against
/// the float64 reference cell by cell, with shapes that cut through the register tiles and
/// near-duplicate rows where the expanded l2sq form loses digits.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MatrixTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 5, 7 }, { 9, 33, 16 }, { 37, 45, 129 }, { 70, 31, 384 }, { 17, 65, 1023 }, { 8, 32, 300 },
        // Past the packed kernel's 256-row block of A (and a partial second block), across two B panels.
        { 300, 40, 24 }, { 513, 33, 8 },
    };

    static EmbeddingMatrix Random(Random random, int rows, int dims, bool nearDuplicates = false)
    {
        var data = Reference.MixedData(random, rows * dims);
        if (nearDuplicates)
            for (int r = 1; r < rows; r += 2)
                for (int c = 0; c < dims; c++)
                    data[r * dims + c] = data[(r - 1) * dims + c] * (1 + 1e-4f * (float)(random.NextDouble() - 0.5));
        return EmbeddingMatrix.Create(data, dims);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_cell_meets_the_one_to_one_accuracy(int m, int n, int dims)
    {
        var random = new Random(m * 1000 + n * 10 + dims);
        var a = Random(random, m, dims, nearDuplicates: true);
        var b = Random(random, n, dims);
        foreach (var metric in MetricInfo.All)
        {
            var result = new float[m * n];
            Similarity.Matrix(metric, a, b, result);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    AssertCell(metric, a[i].ToArray(), b[j].ToArray(), result[i * n + j], $"{metric} [{i},{j}]");
        }
    }

    [Theory]
    [InlineData(ScorePrecision.Float32)]
    [InlineData(ScorePrecision.Float64)]
    public void A_score_matrix_is_its_own_type_with_both_sets_of_keys(ScorePrecision precision)
    {
        var a = EmbeddingMatrix.Create([1f, 0, 0, 2, 3, 4], 2, ["x", "y", "z"]);
        var b = EmbeddingMatrix.Create([1f, 1, 0.5f, -1], 2, ["p", "q"]);
        var scores = Similarity.Matrix(Metric.Dot, a, b, precision);
        Assert.Equal((3, 2), (scores.Rows, scores.Columns));
        Assert.Equal(precision, scores.Precision);
        Assert.Equal(Metric.Dot, scores.Metric);
        Assert.Equal(["x", "y", "z"], scores.RowKeys!);
        Assert.Equal(["p", "q"], scores.ColumnKeys!);
        double[,] expected = { { 1, 0.5 }, { 2, -2 }, { 7, -2.5 } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(expected[i, j], scores[i, j]);
        if (precision == ScorePrecision.Float32)
        {
            Assert.Equal([7f, -2.5f], scores.Row(2).ToArray());
            Assert.Throws<InvalidOperationException>(() => scores.Row64(0).Length);
        }
        else
        {
            Assert.Equal([7.0, -2.5], scores.Row64(2).ToArray());
            Assert.Throws<InvalidOperationException>(() => scores.Row(0).Length);
        }
        var rows = scores.AsRows();
        Assert.Equal((3, 2, precision == ScorePrecision.Float64), (rows.Count, rows.Dimensions, rows.IsFloat64));
        Assert.Equal(["x", "y", "z"], rows.Keys!);
        Assert.Throws<ArgumentOutOfRangeException>(() => scores[3, 0]);
    }

    [Fact]
    public void Near_duplicate_rows_get_exact_l2sq()
    {
        var random = new Random(9);
        var a = Random(random, 40, 384, nearDuplicates: true);
        var result = new float[40 * 40];
        Similarity.Matrix(Metric.L2Squared, a, a, result);
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(0f, result[i * 40 + i]);
            for (int j = 0; j < 40; j++)
                AssertCell(Metric.L2Squared, a[i].ToArray(), a[j].ToArray(), result[i * 40 + j], $"[{i},{j}]");
        }
    }

    [Fact]
    public void Float64_matrices_are_scored_in_float64()
    {
        var random = new Random(11);
        var data = Enumerable.Range(0, 6 * 5).Select(_ => random.NextDouble()).ToArray();
        data[5..10].AsSpan().CopyTo(data.AsSpan(10, 5));
        data[10] += 1e-12;   // rows 1 and 2 differ only in the 12th decimal
        var m = EmbeddingMatrix.Create(data, 5);
        var result = new double[36];
        Similarity.Matrix(Metric.L2Squared, m, m, result);
        double difference = data[10] - data[5];
        Assert.Equal(difference * difference, result[1 * 6 + 2], 1e-36);
        var floats = new float[36];
        Similarity.Matrix(Metric.Cosine, m, m, floats);
        Assert.Equal((float)Similarity.Cosine(m.GetRow64(0), m.GetRow64(3)), floats[3]);
    }

    [Fact]
    public void Shapes_are_checked()
    {
        var a = EmbeddingMatrix.Create(new float[6], 3);
        var b = EmbeddingMatrix.Create(new float[6], 2);
        Assert.Throws<ArgumentException>(() => Similarity.Matrix(Metric.Dot, a, b, new float[6]));
        Assert.Throws<ArgumentException>(() => Similarity.Matrix(Metric.Dot, a, a, new float[3]));
    }

    static void AssertCell(Metric metric, float[] x, float[] y, float actual, string where)
    {
        switch (metric)
        {
            case Metric.Dot or Metric.NegativeDot:
                double dot = Reference.Dot(x, y) * (metric == Metric.Dot ? 1 : -1), scale = Reference.AbsDot(x, y);
                Assert.True(Math.Abs(actual - dot) <= 1e-6 * scale, $"{where}: {actual} vs {dot}");
                break;
            case Metric.Cosine or Metric.CosineDistance:
                double cos = Reference.Cosine(x, y);
                double expected = metric == Metric.Cosine ? cos : 1 - cos;
                Assert.True(Math.Abs(actual - expected) <= 2e-6, $"{where}: {actual} vs {expected}");
                break;
            default:
                double l2sq = Reference.L2Squared(x, y);
                double want = metric switch { Metric.L2 => Math.Sqrt(l2sq), Metric.L1 => Reference.L1(x, y), _ => l2sq };
                Assert.True(Math.Abs(actual - want) <= 1e-6 * want, $"{where}: {actual} vs {want}");
                break;
        }
    }
}
