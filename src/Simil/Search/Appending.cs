using Simil.Storage;

namespace Simil.Search;

/// <summary>Rows of one matrix followed by another's, for extending an index.</summary>
static class Appending
{
    /// <summary>Rows copied between two releases of their pages.</summary>
    const int Block = 4096;

    /// <summary>
    /// <paramref name="first"/>'s rows then <paramref name="more"/>'s, float32, in native memory (so
    /// more than 2³¹ elements fit); keys concatenated where both have them.
    /// </summary>
    /// <exception cref="InvalidSettingException">The dimensions differ, or one has keys and the other not (the setting <c>Rows</c>).</exception>
    public static EmbeddingMatrix Concat(EmbeddingMatrix first, EmbeddingMatrix more)
    {
        ArgumentNullException.ThrowIfNull(more);
        if (first.Count > 0 && more.Count > 0 && first.Dimensions != more.Dimensions)
            throw new InvalidSettingException(VectorIndex.RowsSetting, $"has {more.Dimensions} dimensions but the index has {first.Dimensions}");
        if (first.Count > 0 && more.Count > 0 && (first.Keys is null) != (more.Keys is null))
            throw new InvalidSettingException(VectorIndex.RowsSetting, first.Keys is null ? "has keys but the index's rows have none" : "has no keys but the index's rows have them");
        int dimensions = first.Count > 0 ? first.Dimensions : more.Dimensions;
        var rows = new NativeRows(ElementType.Float32, checked(first.Count + more.Count), dimensions);
        int i = 0;
        foreach (var m in new[] { first, more })
            for (int r = 0; r < m.Count; r++, i++)
            {
                if (m.IsFloat64)
                {
                    var wide = m.GetRow64(r);
                    var target = rows.WritableRow<float>(i);
                    for (int t = 0; t < wide.Length; t++)
                        target[t] = (float)wide[t];
                }
                else
                    m.Rows.Row<float>(r).CopyTo(rows.WritableRow<float>(i));
                // Copied: rows mapped from a file give their pages back, so the vectors are held once.
                if (r % Block == Block - 1 || r == m.Count - 1)
                    m.Rows.Release(r - r % Block, r % Block + 1);
            }
        KeyMap? keys = null;
        if (first.Keys is not null || more.Keys is not null)
        {
            var all = new string[first.Count + more.Count];
            for (int r = 0; r < first.Count; r++)
                all[r] = first.Keys![r];
            for (int r = 0; r < more.Count; r++)
                all[first.Count + r] = more.Keys![r];
            keys = KeyMap.Own(all);
        }
        return EmbeddingMatrix.Over(rows, keys);
    }
}
