namespace Simil;

/// <summary>
/// How <see cref="VectorIndex.Search(ReadOnlySpan{float}, SearchOptions)"/> searches: how many
/// neighbours, and for the index kinds that take them the graph's candidates, the compressed
/// candidates rescored, or an exact scan. Checked once, in the library, against the index it is
/// used with (<see cref="Check"/>); a setting that does not apply is refused, not ignored.
/// </summary>
public sealed record SearchOptions
{
    /// <summary>How many neighbours (at least 1; default 10).</summary>
    public int K { get; init; } = 10;

    /// <summary>An HNSW index: candidates the graph proposes, at least <see cref="K"/> (default max(64, k)); null for the default.</summary>
    public int? Ef { get; init; }

    /// <summary>A compressed index: candidates per result taken by the codes and rescored in float32 (default per precision); null for the default.</summary>
    public int? Oversample { get; init; }

    /// <summary>An HNSW index: scan every stored row instead of walking the graph.</summary>
    public bool Exact { get; init; }

    /// <summary>
    /// Only rows this allows are results (deleted rows, a metadata filter); null for every row. The
    /// scores stay exact; an HNSW walk keeps <c>ef</c> allowed candidates, and with
    /// <see cref="Exact"/> (or on a flat index) the allowed rows are scanned.
    /// </summary>
    public IRowFilter? Filter { get; init; }

    /// <summary>
    /// Each document once, at its best chunk: rows whose metadata names the same <c>document</c>
    /// (an index built from texts cut into chunks) count as one result, the best-scoring. Exact for
    /// a flat index: k × the most chunks any document has are searched, which must hold the k best
    /// documents' best chunks; an HNSW walk proposes that many candidates.
    /// </summary>
    public bool GroupByDocument { get; init; }

    /// <summary>Throws for a setting that is out of range or does not apply to <paramref name="index"/>.</summary>
    /// <exception cref="InvalidSettingException">The setting (named by its property) and why.</exception>
    public void Check(VectorIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (K < 1)
            throw new InvalidSettingException(nameof(K), $"{K} is below 1; ask for at least one neighbour");
        if (Ef is { } ef && ef < K)
            throw new InvalidSettingException(nameof(Ef), $"{ef} is below k ({K}); the graph must propose at least k candidates");
        if (Ef is not null && index is not HnswIndex)
            throw new InvalidSettingException(nameof(Ef), "applies to hnsw indexes; this one is flat (an exact scan)");
        if (Exact && index is not HnswIndex)
            throw new InvalidSettingException(nameof(Exact), "applies to hnsw indexes; this one is flat (an exact scan already)");
        if (Oversample is < 1)
            throw new InvalidSettingException(nameof(Oversample), $"{Oversample} is below 1");
        if (GroupByDocument && DocumentGroups.Of(index) is null)
            throw new InvalidSettingException(nameof(GroupByDocument), "the rows name no document in their metadata: build the index from texts cut into chunks");
        if (Oversample is not null && index.Precision == Quantization.Precision.Float32)
            throw new InvalidSettingException(nameof(Oversample), "applies to compressed indexes; this one stores float32 rows, whose candidates are scored exactly already");
    }
}
