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

    /// <summary>
    /// The texts cut into chunks by <paramref name="chunk"/>: one row a chunk, its id <c>DOC#n</c>
    /// (DOC the text's id, else its line number from 1; n from 1), its fields the text's with
    /// <c>"document": DOC</c> and <c>"chunk": n</c> added — what a search grouped by document reads.
    /// </summary>
    /// <exception cref="InvalidOperationException">The content holds vectors, not texts.</exception>
    public VectorFileContent Chunked(Func<string, IReadOnlyList<string>> chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var texts = Texts ?? throw new InvalidOperationException("only texts can be cut into chunks");
        var chunks = new List<string>();
        var ids = new List<string>();
        var fields = new List<string>();
        for (int t = 0; t < texts.Count; t++)
        {
            string document = TextIds?[t] ?? (t + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var parts = chunk(texts[t]);
            for (int n = 0; n < parts.Count; n++)
            {
                chunks.Add(parts[n]);
                ids.Add($"{document}#{n + 1}");
                fields.Add(WithChunk(Fields?[t], document, n + 1));
            }
        }
        return new VectorFileContent(Format, null, new TextRows(chunks, ids, fields), Warnings);
    }

    static string WithChunk(string? fields, string document, int chunk)
    {
        var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("document", document);
            w.WriteNumber("chunk", chunk);
            if (fields is { Length: > 2 })
            {
                using var json = System.Text.Json.JsonDocument.Parse(fields);
                foreach (var p in json.RootElement.EnumerateObject())
                    if (p.Name is not ("document" or "chunk"))
                        p.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Texts read from a file, with their ids and other fields where it has them.</summary>
internal sealed record TextRows(IReadOnlyList<string> Texts, IReadOnlyList<string>? Ids = null, IReadOnlyList<string>? Fields = null);
