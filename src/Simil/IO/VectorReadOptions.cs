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
    /// Where the readers put the vectors: null for a managed array (<see cref="Storage.ArraySink"/>);
    /// <see cref="Storage.NativeSink"/> for native memory, so that no managed array holds them all.
    /// </summary>
    public Storage.VectorSink? Sink { get; init; }

    /// <summary>
    /// Read a little-endian float32 <c>.npy</c> file in place through a read-only memory map instead
    /// of copying it, and put more values than one block of memory holds (<see cref="MaxValues"/>)
    /// into native memory a block of rows at a time: any size, no 2³¹ limit. The rows then own the
    /// map or the memory (dispose <c>matrix.Rows</c> to release them). The command-line tool reads so.
    /// </summary>
    public bool Map { get; init; }

    /// <summary>
    /// The most values read into the sink as one block (default <see cref="Array.MaxLength"/>);
    /// past it, <see cref="Map"/> reads into native memory by rows, and without it the file is
    /// refused. Tests lower it to take the large-file path on small files.
    /// </summary>
    public long MaxValues { get; init; } = Array.MaxLength;
}
