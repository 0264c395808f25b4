namespace Simil;

/// <summary>
/// Rows of equal length stored contiguously (row-major), with optional string keys (a word, an
/// id, a sentence) one per row.
/// </summary>
public sealed class EmbeddingMatrix
{
    readonly float[] _data;
    readonly string[]? _keys;

    EmbeddingMatrix(float[] data, int count, int dimensions, string[]? keys)
    {
        _data = data;
        Count = count;
        Dimensions = dimensions;
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
        if (dimensions <= 0)
            Throw.Argument(nameof(dimensions), $"dimensions must be positive, not {dimensions}");
        if (rowMajor.Length % dimensions != 0)
            Throw.Argument(nameof(rowMajor), $"{rowMajor.Length} values are not a whole number of rows of {dimensions}");
        int count = rowMajor.Length / dimensions;
        if (keys is not null && keys.Count != count)
            Throw.Argument(nameof(keys), $"{keys.Count} keys for {count} rows; give one key per row");
        return new EmbeddingMatrix(rowMajor.ToArray(), count, dimensions, keys?.ToArray());
    }

    /// <summary>The number of rows.</summary>
    public int Count { get; }

    /// <summary>The length of every row.</summary>
    public int Dimensions { get; }

    /// <summary>The row keys, or null when the rows have none.</summary>
    public IReadOnlyList<string>? Keys => _keys;

    /// <summary>All rows, one after another.</summary>
    public ReadOnlySpan<float> Data => _data;

    /// <summary>Row <paramref name="row"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<float> this[int row]
    {
        get
        {
            if ((uint)row >= (uint)Count)
                Throw.ArgumentOutOfRange(nameof(row), $"row {row} is outside [0, {Count})");
            return _data.AsSpan(row * Dimensions, Dimensions);
        }
    }
}
