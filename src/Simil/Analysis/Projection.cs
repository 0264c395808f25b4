namespace Simil.Analysis;

/// <summary>
/// Principal component analysis for a 2-D (or k-D) map of vectors: the rows centred on their mean,
/// the axes of greatest variance found by power iteration on <c>Xᵀ X</c> (never forming the
/// d × d covariance), each later axis kept orthogonal to the earlier ones; all arithmetic in
/// float64. Each axis's sign is fixed so that its largest coordinate is positive, so a map does not
/// flip between runs.
/// </summary>
public sealed class Projection
{
    const int MaxIterations = 1_000;

    Projection(double[] mean, double[][] axes, double[] variances, double total)
    {
        Mean = mean;
        Axes = axes;
        Variances = variances;
        TotalVariance = total;
    }

    /// <summary>The rows' mean (subtracted before projecting).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>The principal axes, unit length, the first of greatest variance.</summary>
    public IReadOnlyList<double[]> Axes { get; }

    /// <summary>The variance of the rows along each axis (the covariance's eigenvalues, divided by n).</summary>
    public IReadOnlyList<double> Variances { get; }

    /// <summary>The rows' total variance (the sum over all dimensions).</summary>
    public double TotalVariance { get; }

    /// <summary>The share of the total variance along each axis.</summary>
    public IEnumerable<double> Explained => Variances.Select(v => TotalVariance > 0 ? v / TotalVariance : 0);

    /// <summary>The first <paramref name="components"/> principal axes of <paramref name="rows"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than two rows, or more components than dimensions.</exception>
    public static Projection Pca(EmbeddingMatrix rows, int components = 2, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2)
            throw new ArgumentException($"a projection needs at least 2 rows; there are {rows.Count}", nameof(rows));
        int d = rows.Dimensions;
        if (components < 1 || components > d)
            throw new ArgumentOutOfRangeException(nameof(components), $"{components} is outside 1..{d}");
        int n = rows.Count;
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = rows[i];
            for (int j = 0; j < d; j++)
                mean[j] += row[j];
        }
        for (int j = 0; j < d; j++)
            mean[j] /= n;
        var centred = new double[n][];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var row = rows[i];
            var c = centred[i] = new double[d];
            for (int j = 0; j < d; j++)
            {
                c[j] = row[j] - mean[j];
                total += c[j] * c[j];
            }
        }
        var random = new Random(seed);
        var axes = new double[components][];
        var variances = new double[components];
        var scores = new double[n];
        for (int a = 0; a < components; a++)
        {
            var v = new double[d];
            for (int j = 0; j < d; j++)
                v[j] = random.NextDouble() - 0.5;
            Orthogonalise(v, axes, a);
            double lambda = 0;
            for (int iteration = 0; iteration < MaxIterations; iteration++)
            {
                // w = Xᵀ (X v): the covariance times v without the covariance.
                for (int i = 0; i < n; i++)
                    scores[i] = Dot(centred[i], v);
                var w = new double[d];
                for (int i = 0; i < n; i++)
                {
                    double s = scores[i];
                    var c = centred[i];
                    for (int j = 0; j < d; j++)
                        w[j] += s * c[j];
                }
                Orthogonalise(w, axes, a);
                double length = Math.Sqrt(Dot(w, w));
                if (length == 0)
                    break; // no variance left outside the earlier axes: any orthogonal direction will do
                lambda = length;
                double change = 0;
                for (int j = 0; j < d; j++)
                {
                    double next = w[j] / length;
                    change += (next - v[j]) * (next - v[j]);
                    v[j] = next;
                }
                if (change < 1e-24)
                    break;
            }
            int largest = 0;
            for (int j = 1; j < d; j++)
                if (Math.Abs(v[j]) > Math.Abs(v[largest]))
                    largest = j;
            if (v[largest] < 0)
                for (int j = 0; j < d; j++)
                    v[j] = -v[j];
            axes[a] = v;
            variances[a] = lambda / n;
        }
        return new Projection(mean, axes, variances, total / n);
    }

    /// <summary>The coordinates of <paramref name="row"/> on the axes.</summary>
    public double[] Project(ReadOnlySpan<float> row)
    {
        if (row.Length != Mean.Count)
            Throw.LengthMismatch(row.Length, Mean.Count);
        var coordinates = new double[Axes.Count];
        for (int a = 0; a < Axes.Count; a++)
        {
            var axis = Axes[a];
            double s = 0;
            for (int j = 0; j < row.Length; j++)
                s += (row[j] - Mean[j]) * axis[j];
            coordinates[a] = s;
        }
        return coordinates;
    }

    static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
            s += a[j] * b[j];
        return s;
    }

    /// <summary>Removes from <paramref name="v"/> its parts along the first <paramref name="count"/> axes (twice, for rounding).</summary>
    static void Orthogonalise(double[] v, double[][] axes, int count)
    {
        for (int pass = 0; pass < 2; pass++)
            for (int a = 0; a < count; a++)
            {
                double s = Dot(v, axes[a]);
                for (int j = 0; j < v.Length; j++)
                    v[j] -= s * axes[a][j];
            }
    }
}
