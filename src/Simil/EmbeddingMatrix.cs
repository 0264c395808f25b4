using System.Collections.Frozen;

namespace Simil;

/// <summary>
/// Rows of equal length stored contiguously (row-major), with optional string keys (a word, an
/// id, a sentence) one per row. A matrix read from float64 data keeps those values
/// (<see cref="IsFloat64"/>, <see cref="GetRow64"/>) so that results can be computed in float64;
/// its float32 rows are made from them on first use.
/// </summary>
public sealed class EmbeddingMatrix
{
    float[]? _data;
    readonly double[]? _data64;
    readonly string[]? _keys;
    FrozenDictionary<string, int>? _rowByKey;
    readonly Lock _gate = new();

    EmbeddingMatrix(float[]? data, double[]? data64, int count, int dimensions, string[]? keys)
    {
        _data = data;
        _data64 = data64;
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
        int count = CheckShape(rowMajor.Length, dimensions, keys);
        return new EmbeddingMatrix(rowMajor.ToArray(), null, count, dimensions, keys?.ToArray());
    }

    /// <summary>
    /// Copies float64 <paramref name="rowMajor"/> data into a new matrix that keeps it in float64.
    /// </summary>
    /// <exception cref="ArgumentException">As for the float32 overload.</exception>
    public static EmbeddingMatrix Create(ReadOnlySpan<double> rowMajor, int dimensions, IReadOnlyList<string>? keys = null)
    {
        int count = CheckShape(rowMajor.Length, dimensions, keys);
        return new EmbeddingMatrix(null, rowMajor.ToArray(), count, dimensions, keys?.ToArray());
    }

    /// <summary>Takes ownership of <paramref name="data"/>, which may be longer than the rows need.</summary>
    internal static EmbeddingMatrix Wrap(float[] data, int count, int dimensions, string[]? keys) =>
        new(data, null, count, dimensions, keys);

    /// <summary>Takes ownership of float64 <paramref name="data"/>, which may be longer than the rows need.</summary>
    internal static EmbeddingMatrix Wrap(double[] data, int count, int dimensions, string[]? keys) =>
        new(null, data, count, dimensions, keys);

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
        return new EmbeddingMatrix(_data64 is null ? Floats() : null, _data64, Count, Dimensions, keys?.ToArray());
    }

    /// <summary>The number of rows.</summary>
    public int Count { get; }

    /// <summary>The length of every row.</summary>
    public int Dimensions { get; }

    /// <summary>True when the matrix holds float64 values (read from float64 data).</summary>
    public bool IsFloat64 => _data64 is not null;

    /// <summary>The row keys, or null when the rows have none.</summary>
    public IReadOnlyList<string>? Keys => _keys;

    /// <summary>All rows, one after another, in float32.</summary>
    public ReadOnlySpan<float> Data => Floats().AsSpan(0, Count * Dimensions);

    /// <summary>All rows, one after another, in float64.</summary>
    /// <exception cref="InvalidOperationException">The matrix holds float32 values.</exception>
    public ReadOnlySpan<double> Data64 => (_data64 ?? throw new InvalidOperationException("the matrix holds float32 values")).AsSpan(0, Count * Dimensions);

    /// <summary>Row <paramref name="row"/> in float32.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<float> this[int row]
    {
        get
        {
            CheckRow(row);
            return Floats().AsSpan(row * Dimensions, Dimensions);
        }
    }

    /// <summary>Row <paramref name="row"/> in float64.</summary>
    /// <exception cref="InvalidOperationException">The matrix holds float32 values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<double> GetRow64(int row)
    {
        CheckRow(row);
        return Data64.Slice(row * Dimensions, Dimensions);
    }

    /// <summary>The row whose key is <paramref name="key"/> (ordinal, case-sensitive); -1 when none is.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_keys is null)
            return -1;
        _rowByKey ??= BuildKeyIndex(_keys);
        return _rowByKey.TryGetValue(key, out int row) ? row : -1;
    }

    static FrozenDictionary<string, int> BuildKeyIndex(string[] keys)
    {
        var index = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
            index.TryAdd(keys[i], i);
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    void CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
            Throw.ArgumentOutOfRange(nameof(row), $"row {row} is outside [0, {Count})");
    }

    float[] Floats()
    {
        if (_data is { } data)
            return data;
        lock (_gate)
        {
            if (_data is null)
            {
                var source = _data64!.AsSpan(0, Count * Dimensions);
                var floats = new float[source.Length];
                for (int i = 0; i < floats.Length; i++)
                    floats[i] = (float)source[i];
                _data = floats;
            }
            return _data;
        }
    }
}
