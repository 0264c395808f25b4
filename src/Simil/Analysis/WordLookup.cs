namespace Simil.Analysis;

/// <summary>Word lookups for evaluation, with gensim's rules.</summary>
public static class WordLookup
{
    /// <summary>
    /// gensim's <c>evaluate_word_pairs</c> lookup: only the first <paramref name="restrictVocab"/>
    /// keys (word files list frequent words first), compared case-insensitively (upper-cased), the
    /// first of keys that differ only in case winning.
    /// </summary>
    public static Func<string, float[]?> CaseInsensitive(EmbeddingMatrix vectors, int restrictVocab = 300_000)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var keys = vectors.Keys ?? throw new ArgumentException("the vectors have no keys", nameof(vectors));
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Math.Min(restrictVocab, keys.Count); i++)
            rows.TryAdd(keys[i].ToUpperInvariant(), i);
        return word => rows.TryGetValue(word.ToUpperInvariant(), out int row) ? vectors[row].ToArray() : null;
    }
}
