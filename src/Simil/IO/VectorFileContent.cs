namespace Simil.IO;

/// <summary>
/// What a vector file held: vectors (with keys where the format has them) or texts to embed, with
/// their ids and other fields where the format names them (JSON Lines, CSV/TSV with a header).
/// </summary>
public sealed class VectorFileContent
{
    internal VectorFileContent(VectorFileFormat format, EmbeddingMatrix? vectors, TextRows? texts, IReadOnlyList<string> warnings,
        IReadOnlyList<string>? vectorFields = null)
    {
        Format = format;
        Vectors = vectors;
        Texts = texts?.Texts;
        TextIds = texts?.Ids;
        Fields = texts?.Fields ?? vectorFields;
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
    /// Each row's other fields (neither its id, its text nor its vector) as one JSON object (<c>{}</c>
    /// for none), where the file has any (JSON Lines; CSV/TSV columns of texts, as strings); null
    /// otherwise. A collection keeps them as metadata; JSON Lines output writes them back.
    /// </summary>
    public IReadOnlyList<string>? Fields { get; }

    /// <summary>Things the reader did that the user should know, such as dropping duplicate keys.</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>Texts read from a file, with their ids and other fields where it has them.</summary>
internal sealed record TextRows(IReadOnlyList<string> Texts, IReadOnlyList<string>? Ids = null, IReadOnlyList<string>? Fields = null);
