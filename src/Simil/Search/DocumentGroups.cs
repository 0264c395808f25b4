using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Simil;

/// <summary>
/// Rows grouped by the document they were cut from (<c>{"document": …, "chunk": n}</c> in each row's
/// metadata, as chunked embedding writes it), and a search that returns each document once, at its
/// best chunk (<see cref="SearchOptions.GroupByDocument"/>).
/// </summary>
sealed class DocumentGroups
{
    static readonly ConditionalWeakTable<VectorIndex, DocumentGroups?> s_cache = new();

    readonly string?[] _documents;

    DocumentGroups(string?[] documents, int mostChunks) => (_documents, MostChunks) = (documents, mostChunks);

    /// <summary>The most rows any one document has.</summary>
    public int MostChunks { get; }

    /// <summary>The groups of <paramref name="index"/>'s rows, or null when no row names a document (read once per index).</summary>
    public static DocumentGroups? Of(VectorIndex index) => s_cache.GetValue(index, Read);

    static DocumentGroups? Read(VectorIndex index)
    {
        if (index.Metadata is not { } metadata)
            return null;
        var documents = new string?[metadata.Count];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int row = 0; row < documents.Length; row++)
        {
            if (metadata[row].Length < 2 || !metadata[row].Contains("\"document\"", StringComparison.Ordinal))
                continue;
            using var json = JsonDocument.Parse(metadata[row]);
            if (!json.RootElement.TryGetProperty("document", out var d))
                continue;
            string id = d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText();
            documents[row] = id;
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        return counts.Count == 0 ? null : new DocumentGroups(documents, counts.Values.Max());
    }

    /// <summary>The document of <paramref name="row"/> (a row that names none is its own).</summary>
    public string DocumentOf(int row) => _documents[row] ?? "\0row " + row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The k best documents at their best chunks, from a search of k × <see cref="MostChunks"/> rows.</summary>
    public Neighbor[] Search(VectorIndex index, ReadOnlySpan<float> query, SearchOptions options, Func<SearchOptions, Neighbor[]> search)
    {
        int wide = (int)Math.Min(index.Count, (long)options.K * MostChunks);
        var rows = search(options with { K = Math.Max(wide, 1), Ef = options.Ef is { } ef ? Math.Max(ef, wide) : null, GroupByDocument = false });
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var best = new List<Neighbor>(options.K);
        foreach (var n in rows)
        {
            if (best.Count == options.K)
                break;
            if (seen.Add(DocumentOf(n.Index)))
                best.Add(n);
        }
        return [.. best];
    }
}
