using Simil.Storage;

namespace Simil;

/// <summary>
/// Rows of equal length with optional string keys (a word, an id, a sentence), one per row: the
/// in-memory case of <see cref="VectorRows"/> (the rows) with a <see cref="Storage.KeyMap"/> (the
/// keys). A matrix read from float64 data keeps those values (<see cref="IsFloat64"/>,
/// <see cref="GetRow64"/>) so that results can be computed in float64; it holds no float32 copy of
/// them: its float32 rows are converted when asked for (<see cref="ToFloat32"/> converts once).
/// </summary>
public sealed class EmbeddingMatrix
{
    readonly VectorRows _rows;
    readonly KeyMap? _keys;

    EmbeddingMatrix(VectorRows rows, KeyMap? keys)
    {
        _rows = rows;
        _keys = keys;
    }

    /// <summary>
    /// Copies <paramref name="rowMajor"/> into a new matrix of rows of <paramref name="dimensions"/> values.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="dimensions"/> is not positive, the data is not a whole number of rows, or
    /// the number of keys differs from the number of rows.
    /// </exception>
    public static EmbeddingMatrix Create(ReadOnlySpan<float> rowMajor, int dimensions, IReadOnlyList<string>? keys = null)
    {
        int count = CheckShape(rowMajor.Length, dimensions, keys);
        return new EmbeddingMatrix(new ArrayRows<float>(rowMajor.ToArray(), count, dimensions), keys is null ? null : new KeyMap(keys));
    }

    /// <summary>
    /// Copies float64 <paramref name="rowMajor"/> data into a new matrix that keeps it in float64.
    /// </summary>
    /// <exception cref="ArgumentException">As for the float32 overload.</exception>
    public static EmbeddingMatrix Create(ReadOnlySpan<double> rowMajor, int dimensions, IReadOnlyList<string>? keys = null)
    {
        int count = CheckShape(rowMajor.Length, dimensions, keys);
        return new EmbeddingMatrix(new ArrayRows<double>(rowMajor.ToArray(), count, dimensions), keys is null ? null : new KeyMap(keys));
    }

    /// <summary>
    /// A matrix over <paramref name="rows"/> and <paramref name="keys"/> as they are, without copying
    /// (float32 or float64 rows, contiguous). Rows holding more than 2³¹ − 1 elements (a mapped index
    /// file) are searched row by row; <see cref="Data"/>, which is one span, is refused for them.
    /// </summary>
    /// <exception cref="ArgumentException">The keys do not match the rows, or the rows are not contiguous float32 or float64.</exception>
    public static EmbeddingMatrix Over(VectorRows rows, KeyMap? keys = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (keys is not null && keys.Count != rows.Count)
            Throw.Argument(nameof(keys), $"{keys.Count} keys for {rows.Count} rows; give one key per row");
        if (!rows.IsContiguous)
            Throw.Argument(nameof(rows), "an EmbeddingMatrix needs contiguous rows");
        if (rows.ElementType is not (ElementType.Float32 or ElementType.Float64))
            Throw.Argument(nameof(rows), $"an EmbeddingMatrix holds float32 or float64, not {rows.ElementType}");
        return new EmbeddingMatrix(rows, keys);
    }

    /// <summary>Takes ownership of <paramref name="data"/>, which may be longer than the rows need.</summary>
    internal static EmbeddingMatrix Wrap(float[] data, int count, int dimensions, string[]? keys) =>
        new(new ArrayRows<float>(data, count, dimensions), keys is null ? null : KeyMap.Own(keys));

    /// <summary>Takes ownership of float64 <paramref name="data"/>, which may be longer than the rows need.</summary>
    internal static EmbeddingMatrix Wrap(double[] data, int count, int dimensions, string[]? keys) =>
        new(new ArrayRows<double>(data, count, dimensions), keys is null ? null : KeyMap.Own(keys));

    static int CheckShape(int length, int dimensions, IReadOnlyList<string>? keys)
    {
        if (dimensions <= 0)
            Throw.Argument(nameof(dimensions), $"dimensions must be positive, not {dimensions}");
        if (length % dimensions != 0)
            Throw.Argument("rowMajor", $"{length} values are not a whole number of rows of {dimensions}");
        int count = length / dimensions;
        if (keys is not null && keys.Count != count)
            Throw.Argument(nameof(keys), $"{keys.Count} keys for {count} rows; give one key per row");
        return count;
    }

    /// <summary>The same rows (shared, not copied) with other keys, or none.</summary>
    /// <exception cref="ArgumentException">The number of keys differs from the number of rows.</exception>
    public EmbeddingMatrix WithKeys(IReadOnlyList<string>? keys)
    {
        if (keys is not null && keys.Count != Count)
            Throw.Argument(nameof(keys), $"{keys.Count} keys for {Count} rows; give one key per row");
        return new EmbeddingMatrix(_rows, keys is null ? null : new KeyMap(keys));
    }

    /// <summary>A float32 matrix: this one when it is float32, else a converted copy (the one place float64 data is copied to float32).</summary>
    public EmbeddingMatrix ToFloat32() => IsFloat64 ? new EmbeddingMatrix(new ArrayRows<float>(Narrow(Data64), Count, Dimensions), _keys) : this;

    /// <summary>The rows.</summary>
    public VectorRows Rows => _rows;

    /// <summary>The keys, or null when the rows have none.</summary>
    public KeyMap? KeyMap => _keys;

    /// <summary>The number of rows.</summary>
    public int Count => _rows.Count;

    /// <summary>The length of every row.</summary>
    public int Dimensions => _rows.Dimensions;

    /// <summary>True when the matrix holds float64 values (read from float64 data).</summary>
    public bool IsFloat64 => _rows.ElementType == ElementType.Float64;

    /// <summary>The row keys, or null when the rows have none.</summary>
    public IReadOnlyList<string>? Keys => _keys?.Keys;

    /// <summary>All rows, one after another, in float32 (for a float64 matrix, a new converted copy on each call).</summary>
    public ReadOnlySpan<float> Data => IsFloat64 ? Narrow(Data64) : _rows.All<float>();

    /// <summary>All rows, one after another, in float64.</summary>
    /// <exception cref="InvalidOperationException">The matrix holds float32 values.</exception>
    public ReadOnlySpan<double> Data64 => IsFloat64 ? _rows.All<double>() : throw new InvalidOperationException("the matrix holds float32 values");

    /// <summary>Row <paramref name="row"/> in float32 (for a float64 matrix, converted into a new array on each call).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<float> this[int row] => IsFloat64 ? Narrow(_rows.Row<double>(row)) : _rows.Row<float>(row);

    /// <summary>Row <paramref name="row"/> in float64.</summary>
    /// <exception cref="InvalidOperationException">The matrix holds float32 values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<double> GetRow64(int row) =>
        IsFloat64 ? _rows.Row<double>(row) : throw new InvalidOperationException("the matrix holds float32 values");

    /// <summary>The row whose key is <paramref name="key"/> (ordinal, case-sensitive); -1 when none is.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _keys?.IndexOf(key) ?? -1;
    }

    static float[] Narrow(ReadOnlySpan<double> source)
    {
        var floats = new float[source.Length];
        for (int i = 0; i < floats.Length; i++)
            floats[i] = (float)source[i];
        return floats;
    }
}
