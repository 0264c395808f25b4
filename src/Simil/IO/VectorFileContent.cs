namespace Simil.IO;

/// <summary>What a vector file held: vectors (with keys where the format has them) or texts to embed.</summary>
public sealed class VectorFileContent
{
    internal VectorFileContent(VectorFileFormat format, EmbeddingMatrix? vectors, IReadOnlyList<string>? texts, IReadOnlyList<string> warnings)
    {
        Format = format;
        Vectors = vectors;
        Texts = texts;
        Warnings = warnings;
    }

    /// <summary>The format the file was read as.</summary>
    public VectorFileFormat Format { get; }

    /// <summary>The vectors; null when the file held texts.</summary>
    public EmbeddingMatrix? Vectors { get; }

    /// <summary>The texts to embed; null when the file held vectors.</summary>
    public IReadOnlyList<string>? Texts { get; }

    /// <summary>Things the reader did that the user should know, such as dropping duplicate keys.</summary>
    public IReadOnlyList<string> Warnings { get; }
}
