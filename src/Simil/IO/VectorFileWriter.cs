using System.Text;

namespace Simil.IO;

/// <summary>
/// Writes an <see cref="EmbeddingMatrix"/> as <c>.npy</c>, a text matrix (txt, csv, tsv), JSON Lines,
/// or word2vec text or binary. Every value reads back, with <see cref="VectorFile"/>, to the same bits.
/// </summary>
public static class VectorFileWriter
{
    /// <summary>The formats that can be written.</summary>
    public static IReadOnlyList<VectorFileFormat> Writable { get; } =
    [
        VectorFileFormat.Npy, VectorFileFormat.Text, VectorFileFormat.Csv, VectorFileFormat.Tsv,
        VectorFileFormat.JsonLines, VectorFileFormat.Word2VecText, VectorFileFormat.Word2VecBinary,
    ];

    /// <summary>The format a file name's extension implies, or null when it implies none.</summary>
    public static VectorFileFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npy" => VectorFileFormat.Npy,
        ".txt" => VectorFileFormat.Text,
        ".csv" => VectorFileFormat.Csv,
        ".tsv" => VectorFileFormat.Tsv,
        ".jsonl" or ".ndjson" => VectorFileFormat.JsonLines,
        ".vec" or ".w2v" => VectorFileFormat.Word2VecText,
        ".bin" => VectorFileFormat.Word2VecBinary,
        _ => null,
    };

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/> (replacing it) in <paramref name="format"/>.</summary>
    /// <exception cref="InputException">The format cannot store the matrix (e.g. a key with a space in word2vec).</exception>
    public static void Write(string path, EmbeddingMatrix matrix, VectorFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(matrix);
        AtomicFile.Write(path, stream => Write(stream, matrix, format));
    }

    /// <summary>
    /// Writes <paramref name="matrix"/> to <paramref name="path"/> (replacing it) in <paramref name="format"/>,
    /// with each row's other <paramref name="fields"/> (one JSON object a row, as
    /// <see cref="VectorFileContent.Fields"/>) where the format holds them: JSON Lines.
    /// </summary>
    /// <exception cref="InputException">The format cannot store the matrix.</exception>
    public static void Write(string path, EmbeddingMatrix matrix, VectorFileFormat format, IReadOnlyList<string>? fields)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(matrix);
        AtomicFile.Write(path, stream => Write(stream, matrix, format, fields));
    }

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="output"/> in <paramref name="format"/>.</summary>
    /// <exception cref="InputException">The format cannot store the matrix.</exception>
    public static void Write(Stream output, EmbeddingMatrix matrix, VectorFileFormat format) => Write(output, matrix, format, null);

    /// <summary>As <see cref="Write(Stream, EmbeddingMatrix, VectorFileFormat)"/>, with each row's other fields where the format holds them (JSON Lines).</summary>
    /// <exception cref="InputException">The format cannot store the matrix.</exception>
    public static void Write(Stream output, EmbeddingMatrix matrix, VectorFileFormat format, IReadOnlyList<string>? fields)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(matrix);
        switch (format)
        {
            case VectorFileFormat.Npy:
                NpyWriter.Write(output, matrix);
                break;
            case VectorFileFormat.Word2VecBinary:
                Word2VecBinaryWriter.Write(output, matrix);
                break;
            case VectorFileFormat.JsonLines:
                TextWriters.WriteJsonLines(output, matrix, fields);
                break;
            case VectorFileFormat.Text or VectorFileFormat.Csv or VectorFileFormat.Tsv or VectorFileFormat.Word2VecText:
                using (var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
                {
                    if (format == VectorFileFormat.Word2VecText)
                        TextWriters.WriteWord2Vec(text, matrix);
                    else
                        TextWriters.WriteMatrix(text, matrix, format switch { VectorFileFormat.Csv => ',', VectorFileFormat.Tsv => '\t', _ => ' ' });
                }
                break;
            default:
                throw new InputException($"vectors cannot be written as {format.Name()}; writable formats: {string.Join(", ", Writable.Select(f => f.Name()))}");
        }
    }
}
