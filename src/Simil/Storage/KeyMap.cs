using System.Collections.Frozen;

namespace Simil.Storage;

/// <summary>
/// The keys of rows (a word, an id, a sentence), one per row, apart from the rows themselves:
/// key by row, and row by key (ordinal; the first row of a repeated key).
/// </summary>
public sealed class KeyMap
{
    readonly string[] _keys;
    FrozenDictionary<string, int>? _rowByKey;

    /// <summary>Copies <paramref name="keys"/>.</summary>
    public KeyMap(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [.. keys];
    }

    KeyMap(string[] keys) => _keys = keys;

    /// <summary>Takes ownership of <paramref name="keys"/> (not copied).</summary>
    internal static KeyMap Own(string[] keys) => new(keys);

    /// <summary>The number of keys (the number of rows).</summary>
    public int Count => _keys.Length;

    /// <summary>The keys in row order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The key of row <paramref name="row"/>.</summary>
    public string this[int row] => _keys[row];

    /// <summary>The row whose key is <paramref name="key"/> (ordinal, case-sensitive); -1 when none is.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _rowByKey ??= Build(_keys);
        return _rowByKey.TryGetValue(key, out int row) ? row : -1;
    }

    static FrozenDictionary<string, int> Build(string[] keys)
    {
        var index = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
            index.TryAdd(keys[i], i);
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
