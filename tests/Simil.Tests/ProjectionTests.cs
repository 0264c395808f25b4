using Simil.Analysis;

namespace Simil.Tests;

/// <summary>
/// The explorer's map (issue 23): PCA by power iteration against a float64 reference — the
/// covariance formed whole and diagonalised by Jacobi rotations — on plain and adversarial rows.
/// </summary>
public sealed class ProjectionTests
{
    /// <summary>The eigenvalues (descending) and unit eigenvectors of the rows' covariance (divided by n), by cyclic Jacobi.</summary>
    static (double[] Values, double[][] Vectors) Reference(float[][] rows)
    {
        int n = rows.Length, d = rows[0].Length;
        var mean = Enumerable.Range(0, d).Select(j => rows.Average(r => (double)r[j])).ToArray();
        var a = new double[d, d];
        foreach (var r in rows)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    a[i, j] += (r[i] - mean[i]) * (r[j] - mean[j]) / n;
        var v = new double[d, d];
        for (int i = 0; i < d; i++)
            v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++)
                    off += a[p, q] * a[p, q];
            if (off < 1e-30)
                break;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300)
                        continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                        t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }
        var order = Enumerable.Range(0, d).OrderByDescending(i => a[i, i]).ToArray();
        return ([.. order.Select(i => a[i, i])], [.. order.Select(i => Enumerable.Range(0, d).Select(k => v[k, i]).ToArray())]);
    }

    static EmbeddingMatrix Matrix(float[][] rows) => EmbeddingMatrix.Create(rows.SelectMany(r => r).ToArray(), rows[0].Length);

    static float[][] Gaussian(int n, double[] scales, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        // A random rotation mixes the dimensions, so the axes are not the coordinate axes.
        int d = scales.Length;
        var q = Reference([.. Enumerable.Range(0, 3 * d).Select(_ => Enumerable.Range(0, d).Select(_ => (float)Normal()).ToArray())]).Vectors;
        return [.. Enumerable.Range(0, n).Select(_ =>
        {
            var z = scales.Select(s => s * Normal()).ToArray();
            return Enumerable.Range(0, d).Select(j => (float)(5 + Enumerable.Range(0, d).Sum(i => q[i][j] * z[i]))).ToArray();
        })];
    }

    [Theory]
    [InlineData(500, 8, 1)]
    [InlineData(64, 12, 2)]
    [InlineData(3000, 5, 3)]
    public void The_axes_and_variances_equal_the_covariances_eigenvectors(int n, int d, int seed)
    {
        var scales = Enumerable.Range(0, d).Select(i => 10.0 / (i + 1)).ToArray();
        var rows = Gaussian(n, scales, seed);
        var (values, vectors) = Reference(rows);
        var pca = Projection.Pca(Matrix(rows), components: 3);
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(values[a], pca.Variances[a], values[a] * 1e-9);
            double cosine = Math.Abs(pca.Axes[a].Zip(vectors[a], (x, y) => x * y).Sum());
            Assert.True(cosine > 1 - 1e-9, $"axis {a}: |cos| {cosine}");
            Assert.Equal(1, pca.Axes[a].Sum(x => x * x), 1e-12);
            Assert.True(pca.Axes[a].MaxBy(Math.Abs) > 0, "the largest coordinate is positive");
        }
        Assert.Equal(values.Sum(), pca.TotalVariance, values.Sum() * 1e-12);
        Assert.Equal(0, pca.Axes[0].Zip(pca.Axes[1], (x, y) => x * y).Sum(), 1e-12);
        // The mean projects to the origin; a row's coordinates are its centred dot products with the axes.
        var mean = pca.Mean.Select(m => (float)m).ToArray();
        Assert.All(pca.Project(mean), c => Assert.Equal(0, c, 1e-4));
        var projected = pca.Project(rows[7]);
        Assert.Equal(Enumerable.Range(0, d).Sum(j => (rows[7][j] - pca.Mean[j]) * pca.Axes[1][j]), projected[1], 1e-9);
    }

    [Fact]
    public void Duplicates_zero_rows_and_extreme_lengths_give_finite_orthonormal_axes()
    {
        var same = Enumerable.Range(0, 10).Select(_ => new float[] { 1, 2, 3 }).ToArray();
        var flat = Projection.Pca(Matrix(same));
        Assert.Equal(0, flat.TotalVariance);
        Assert.All(flat.Variances, v => Assert.Equal(0, v));
        Assert.All(flat.Axes, axis => Assert.True(axis.All(double.IsFinite)));

        float[][] extreme = [[0, 0, 0, 0], [0, 0, 0, 0], [1e30f, 0, 0, 1e30f], [-1e30f, 0, 0, 1e30f], [1e-30f, 1e-30f, 0, 0], [1e30f, 0, 0, 1e30f]];
        var pca = Projection.Pca(Matrix(extreme));
        var (values, vectors) = Reference(extreme);
        Assert.Equal(values[0], pca.Variances[0], values[0] * 1e-9);
        Assert.True(Math.Abs(pca.Axes[0].Zip(vectors[0], (x, y) => x * y).Sum()) > 1 - 1e-9);
        Assert.All(pca.Axes, axis => Assert.Equal(1, axis.Sum(x => x * x), 1e-9));
        Assert.Throws<ArgumentException>(() => Projection.Pca(Matrix([[1f, 2f]])));
    }
}
