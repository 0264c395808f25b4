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
}
