using System.Collections.Frozen;

namespace Simil.Storage;

/// <summary>
/// The keys of rows (a word, an id, a sentence), one per row, apart from the rows themselves:
/// key by row, and row by key (ordinal; the first row of a repeated key).
/// </summary>
public sealed class KeyMap
{
    readonly IReadOnlyList<string> _keys;
    FrozenDictionary<string, int>? _rowByKey;

    /// <summary>Copies <paramref name="keys"/>.</summary>
    public KeyMap(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [.. keys];
    }

    /// <summary>Takes ownership of <paramref name="keys"/> (not copied).</summary>
    internal static KeyMap Own(string[] keys) => new(keys, null);

    readonly Func<string, int>? _lookup;

    KeyMap(IReadOnlyList<string> keys, Func<string, int>? lookup) => (_keys, _lookup) = (keys, lookup);

    /// <summary>
    /// Over a list that decodes keys when asked (an index file's string table): not copied, not read
    /// until used; with <paramref name="lookup"/> (the file's key table) a key is found without
    /// decoding the others, else the first lookup decodes them all into a dictionary.
    /// </summary>
    internal static KeyMap Over(IReadOnlyList<string> keys, Func<string, int>? lookup = null) => new(keys, lookup);

    /// <summary>The number of keys (the number of rows).</summary>
    public int Count => _keys.Count;

    /// <summary>The keys in row order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The key of row <paramref name="row"/>.</summary>
    public string this[int row] => _keys[row];

    /// <summary>The row whose key is <paramref name="key"/> (ordinal, case-sensitive); -1 when none is.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_lookup is not null)
            return _lookup(key);
        _rowByKey ??= Build(_keys);
        return _rowByKey.TryGetValue(key, out int row) ? row : -1;
    }

    static FrozenDictionary<string, int> Build(IReadOnlyList<string> keys)
    {
        var index = new Dictionary<string, int>(keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
            index.TryAdd(keys[i], i);
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
