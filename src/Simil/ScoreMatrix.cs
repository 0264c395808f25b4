namespace Simil;

/// <summary>The element type of a score matrix: float32, or float64 for float64 input kept wide.</summary>
public enum ScorePrecision
{
    /// <summary>Scores in float32, each rounded once from the kernels' float64 result.</summary>
    Float32,

    /// <summary>Scores in float64, from the float64 kernels.</summary>
    Float64,
}

/// <summary>
/// All-pairs scores from <see cref="Similarity.Matrix(Metric, EmbeddingMatrix, EmbeddingMatrix, ScorePrecision)"/>:
/// cell (i, j) is <c>metric(a[i], b[j])</c>; rows are labelled by a's keys and columns by b's.
/// A result, not a set of vectors: its own type, not an <see cref="EmbeddingMatrix"/>.
/// </summary>
public sealed class ScoreMatrix
{
    readonly float[]? _values;
    readonly double[]? _values64;

    ScoreMatrix(Metric metric, int rows, int columns, float[]? values, double[]? values64, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys)
    {
        Metric = metric;
        Rows = rows;
        Columns = columns;
        _values = values;
        _values64 = values64;
        RowKeys = rowKeys;
        ColumnKeys = columnKeys;
    }

    internal static ScoreMatrix Wrap(Metric metric, int rows, int columns, float[] values, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys) =>
        new(metric, rows, columns, values, null, rowKeys, columnKeys);

    internal static ScoreMatrix Wrap(Metric metric, int rows, int columns, double[] values, IReadOnlyList<string>? rowKeys, IReadOnlyList<string>? columnKeys) =>
        new(metric, rows, columns, null, values, rowKeys, columnKeys);

    /// <summary>The metric of every cell.</summary>
    public Metric Metric { get; }

    /// <summary>The number of rows (rows of the first matrix).</summary>
    public int Rows { get; }

    /// <summary>The number of columns (rows of the second matrix).</summary>
    public int Columns { get; }

    /// <summary>The first matrix's keys, or null.</summary>
    public IReadOnlyList<string>? RowKeys { get; }

    /// <summary>The second matrix's keys, or null.</summary>
    public IReadOnlyList<string>? ColumnKeys { get; }

    /// <summary>The element type the scores are kept in.</summary>
    public ScorePrecision Precision => _values64 is null ? ScorePrecision.Float32 : ScorePrecision.Float64;

    /// <summary>Cell (<paramref name="row"/>, <paramref name="column"/>), widened to float64 where it is float32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The cell is outside the matrix.</exception>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
                Throw.ArgumentOutOfRange(nameof(row), $"cell ({row}, {column}) is outside {Rows} × {Columns}");
            long at = (long)row * Columns + column;
            return _values64 is { } wide ? wide[at] : _values![at];
        }
    }

    /// <summary>Row <paramref name="row"/> in float32.</summary>
    /// <exception cref="InvalidOperationException">The scores are float64 (<see cref="Row64"/>).</exception>
    public ReadOnlySpan<float> Row(int row)
    {
        CheckRow(row);
        return (_values ?? throw new InvalidOperationException("the scores are float64; use Row64")).AsSpan(row * Columns, Columns);
    }

    /// <summary>Row <paramref name="row"/> in float64.</summary>
    /// <exception cref="InvalidOperationException">The scores are float32 (<see cref="Row"/>).</exception>
    public ReadOnlySpan<double> Row64(int row)
    {
        CheckRow(row);
        return (_values64 ?? throw new InvalidOperationException("the scores are float32; use Row")).AsSpan(row * Columns, Columns);
    }

    /// <summary>
    /// The scores as rows of vectors, without copying, labelled with the row keys: the form the
    /// vector file writers take (npy, csv, tsv, txt).
    /// </summary>
    public EmbeddingMatrix AsRows()
    {
        var keys = RowKeys?.ToArray();
        int columns = Math.Max(1, Columns);
        return _values64 is { } wide ? EmbeddingMatrix.Wrap(wide, Rows, columns, keys) : EmbeddingMatrix.Wrap(_values!, Columns == 0 ? 0 : Rows, columns, keys);
    }

    void CheckRow(int row)
    {
        if ((uint)row >= (uint)Rows)
            Throw.ArgumentOutOfRange(nameof(row), $"row {row} is outside [0, {Rows})");
    }
}
