using Simil.Quantization;

namespace Simil;

/// <summary>The two kinds of index: an exact scan, or a graph that proposes candidates.</summary>
public enum VectorIndexKind
{
    /// <summary>Every row is scored (<see cref="FlatIndex"/>).</summary>
    Flat,

    /// <summary>An HNSW graph proposes candidates, which are scored exactly (<see cref="HnswIndex"/>).</summary>
    Hnsw,
}

/// <summary>
/// How <see cref="VectorIndex.Build"/> builds an index: its measure, kind, stored precision and,
/// for a graph, its settings. Checked once, in the library (<see cref="Check"/>), before any row is
/// read; a setting that does not apply is refused, not ignored.
/// </summary>
public sealed record IndexBuildOptions
{
    /// <summary>The measure the index ranks by (default cosine).</summary>
    public Metric Metric { get; init; } = Metric.Cosine;

    /// <summary>Flat (exact scan, the default) or HNSW.</summary>
    public VectorIndexKind Kind { get; init; } = VectorIndexKind.Flat;

    /// <summary>How the rows are stored and searched: float32 (default), float16, bfloat16, int8 or binary.</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>A compressed precision: keep float32 rows too and rescore the candidates with them.</summary>
    public bool Rescore { get; init; }

    /// <summary>int8: the per-dimension ranges (from calibration vectors); null for the rows' own.</summary>
    public QuantizationRanges? Ranges { get; init; }

    /// <summary>HNSW: links per node on the upper levels (level 0 has twice as many), 2..1024.</summary>
    public int M { get; init; } = 16;

    /// <summary>HNSW: candidates kept while building, at least 1.</summary>
    public int EfConstruction { get; init; } = 128;

    /// <summary>HNSW: the seed of the level draws (same seed, rows and settings: the same file).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The compression these options describe (null for float32 rows).</summary>
    public IndexCompression? Compression => Precision == Precision.Float32 ? null : new IndexCompression(Precision, Rescore, Ranges);

    /// <summary>Throws for a setting that is out of range or does not apply with the others, or (with <paramref name="dimensions"/>) to rows of that length.</summary>
    /// <exception cref="InvalidSettingException">The setting (named by its property) and why.</exception>
    public void Check(int? dimensions = null)
    {
        _ = Metric.Name();
        if (!Enum.IsDefined(Kind))
            throw new InvalidSettingException(nameof(Kind), $"{(int)Kind} is not an index kind (flat, hnsw)");
        if (Precision is Precision.UInt8 or Precision.UBinary)
            throw new InvalidSettingException(nameof(Precision), $"an index stores {(Precision == Precision.UInt8 ? "int8" : "binary")} rather than {Precision.Name()} (the same codes less 128, the same ranking); use that");
        if (Precision == Precision.Float32 && Rescore)
            throw new InvalidSettingException(nameof(Rescore), "a float32 index scores every candidate exactly already; rescoring applies to float16, bfloat16, int8 and binary");
        if (Precision != Precision.Int8 && Ranges is not null)
            throw new InvalidSettingException(nameof(Ranges), "sets int8 ranges; other precisions have none");
        if (Ranges is not null && dimensions is { } d && (Ranges.Min.Length != d || Ranges.Max.Length != d))
            throw new InvalidSettingException(nameof(Ranges), $"has {Ranges.Min.Length} dimensions but the rows have {d}");
        if (Precision != Precision.Float32 && Metric is not (Metric.Dot or Metric.NegativeDot or Metric.Cosine or Metric.CosineDistance or Metric.L2Squared or Metric.L2))
            throw new InvalidSettingException(nameof(Metric), $"a compressed index ranks by dot, cosine, l2sq or l2 (or cosine-distance, neg-dot), not {Metric.Name()}");
        if (Kind == VectorIndexKind.Hnsw && Metric == Metric.L1)
            throw new InvalidSettingException(nameof(Metric), "an hnsw index ranks by dot, cosine, l2sq or l2; use a flat index for l1");
        if (M is < 2 or > 1024)
            throw new InvalidSettingException(nameof(M), $"{M} is outside 2..1024");
        if (EfConstruction < 1)
            throw new InvalidSettingException(nameof(EfConstruction), $"{EfConstruction} is below 1");
    }
}
