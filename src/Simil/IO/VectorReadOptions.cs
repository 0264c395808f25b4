namespace Simil.IO;

/// <summary>How to read a vector file.</summary>
public sealed record VectorReadOptions
{
    /// <summary>The format; null to recognise it from the content and the extension.</summary>
    public VectorFileFormat? Format { get; init; }

    /// <summary>
    /// Keep float64 data (a float64 <c>.npy</c>, a numeric text matrix) in float64 instead of
    /// rounding it to float32.
    /// </summary>
    public bool KeepFloat64 { get; init; }

    /// <summary>
    /// Where the readers put the vectors: null for a managed array (<see cref="Storage.ArraySink"/>,
    /// at most <see cref="Array.MaxLength"/> values), or with <see cref="Map"/> an
    /// <see cref="Storage.AnySizeSink"/>; <see cref="Storage.NativeSink"/> for native memory, so that
    /// no managed array holds them all.
    /// </summary>
    public Storage.VectorSink? Sink { get; init; }

    /// <summary>
    /// Any size, no 2³¹ limit: read a little-endian float32 <c>.npy</c> file in place through a
    /// read-only memory map instead of copying it, and put more values than
    /// <see cref="MaxValues"/> from any other file into native memory (an
    /// <see cref="Storage.AnySizeSink"/>, unless <see cref="Sink"/> names another). The rows then own
    /// the map or the memory (dispose <c>matrix.Rows</c> to release them). The command-line tool reads so.
    /// </summary>
    public bool Map { get; init; }

    /// <summary>
    /// With <see cref="Map"/>, the most values read into a managed array (default
    /// <see cref="Array.MaxLength"/>); past it they go into native memory. Tests lower it to take
    /// the large-file path on small files.
    /// </summary>
    public long MaxValues { get; init; } = Array.MaxLength;

    /// <summary>
    /// The field (JSON Lines) or header column (CSV/TSV) that holds each row's id, its key; null
    /// for the default: <c>id</c>, else <c>key</c>. A named field missing from a row is an error.
    /// </summary>
    public string? IdField { get; init; }

    /// <summary>
    /// The field (JSON Lines) or header column (CSV/TSV) that holds each row's text to embed; null
    /// for the default, <c>text</c>. A named field missing from a row is an error.
    /// </summary>
    public string? TextField { get; init; }
}
