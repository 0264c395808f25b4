namespace Simil.IO;

/// <summary>
/// What a vector file held: vectors (with keys where the format has them) or texts to embed, with
/// their ids and other fields where the format names them (JSON Lines, CSV/TSV with a header).
/// </summary>
public sealed class VectorFileContent
{
    internal VectorFileContent(VectorFileFormat format, EmbeddingMatrix? vectors, TextRows? texts, IReadOnlyList<string> warnings)
    {
        Format = format;
        Vectors = vectors;
        Texts = texts?.Texts;
        TextIds = texts?.Ids;
        Fields = texts?.Fields;
        Warnings = warnings;
    }

    /// <summary>The format the file was read as.</summary>
    public VectorFileFormat Format { get; }

    /// <summary>The vectors; null when the file held texts.</summary>
    public EmbeddingMatrix? Vectors { get; }

    /// <summary>The texts to embed; null when the file held vectors.</summary>
    public IReadOnlyList<string>? Texts { get; }

    /// <summary>Each text's id, where the file gives ids (an <c>id</c> field or column); null when the texts are their own keys.</summary>
    public IReadOnlyList<string>? TextIds { get; }

    /// <summary>The keys of the texts' rows once embedded: their ids, else the texts themselves.</summary>
    public IReadOnlyList<string>? TextKeys => TextIds ?? Texts;

    /// <summary>
    /// Each text's other fields (neither its id nor its text) as one JSON object, where the file has
    /// any (JSON Lines; CSV/TSV columns as strings); null otherwise. Written back by formats that
    /// hold them (JSON Lines).
    /// </summary>
    public IReadOnlyList<string>? Fields { get; }

    /// <summary>Things the reader did that the user should know, such as dropping duplicate keys.</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>Texts read from a file, with their ids and other fields where it has them.</summary>
internal sealed record TextRows(IReadOnlyList<string> Texts, IReadOnlyList<string>? Ids = null, IReadOnlyList<string>? Fields = null);
