namespace Simil.IO;

/// <summary>
/// The keys spelled most like a missing one (Levenshtein distance, ties to the earlier row: word
/// vector files list frequent words first), so that an error can say what the user may have meant.
/// </summary>
public static class KeySuggestions
{
    /// <summary>Up to <paramref name="count"/> keys within a small edit distance of <paramref name="key"/>, closest first.</summary>
    public static IReadOnlyList<string> Nearest(IReadOnlyList<string> keys, string key, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(key);
        int limit = Math.Max(2, key.Length / 3);
        var found = new List<(int Distance, int Row)>();
        var previous = new int[key.Length + 1];
        var current = new int[key.Length + 1];
        for (int row = 0; row < keys.Count; row++)
        {
            var candidate = keys[row];
            if (Math.Abs(candidate.Length - key.Length) > limit)
                continue;
            int distance = Distance(key, candidate, limit, previous, current);
            if (distance <= limit)
                found.Add((distance, row));
        }
        return [.. found.OrderBy(f => f.Distance).ThenBy(f => f.Row).Take(count).Select(f => keys[f.Row])];
    }

    /// <summary>Levenshtein distance, case-insensitive, giving up (limit + 1) once every path exceeds <paramref name="limit"/>.</summary>
    static int Distance(string a, string b, int limit, int[] previous, int[] current)
    {
        for (int i = 0; i <= a.Length; i++)
            previous[i] = i;
        for (int j = 1; j <= b.Length; j++)
        {
            current[0] = j;
            int best = current[0];
            char cb = char.ToLowerInvariant(b[j - 1]);
            for (int i = 1; i <= a.Length; i++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == cb ? 0 : 1;
                current[i] = Math.Min(Math.Min(current[i - 1] + 1, previous[i] + 1), previous[i - 1] + cost);
                best = Math.Min(best, current[i]);
            }
            if (best > limit)
                return limit + 1;
            (previous, current) = (current, previous);
        }
        return previous[a.Length];
    }
}
