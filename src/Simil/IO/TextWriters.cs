using System.Globalization;
using System.Text;

namespace Simil.IO;

/// <summary>
/// The text writers: numeric matrices (space, comma or tab separated), word2vec text and JSON
/// Lines. Every number is written in its shortest form that reads back to the same bits.
/// </summary>
static class TextWriters
{
    public static void WriteMatrix(TextWriter output, EmbeddingMatrix matrix, char delimiter)
    {
        Span<char> buffer = stackalloc char[32];
        var line = new StringBuilder();
        for (int r = 0; r < matrix.Count; r++)
        {
            line.Clear();
            for (int c = 0; c < matrix.Dimensions; c++)
            {
                if (c > 0)
                    line.Append(delimiter);
                AppendValue(line, matrix, r, c, buffer);
            }
            output.Write(line.Append('\n'));
        }
    }

    public static void WriteWord2Vec(TextWriter output, EmbeddingMatrix matrix)
    {
        var keys = KeysForWord2Vec(matrix);
        output.Write(string.Create(CultureInfo.InvariantCulture, $"{matrix.Count} {matrix.Dimensions}\n"));
        Span<char> buffer = stackalloc char[32];
        var line = new StringBuilder();
        for (int r = 0; r < matrix.Count; r++)
        {
            line.Clear().Append(keys[r]);
            for (int c = 0; c < matrix.Dimensions; c++)
            {
                line.Append(' ');
                AppendValue(line, matrix, r, c, buffer);
            }
            output.Write(line.Append('\n'));
        }
    }

    public static void WriteJsonLines(Stream output, EmbeddingMatrix matrix, IReadOnlyList<string>? fields = null)
    {
        if (fields is not null && fields.Count != matrix.Count)
            throw new ArgumentException($"{fields.Count} rows of fields for {matrix.Count} rows", nameof(fields));
        var options = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var newline = "\n"u8.ToArray();
        for (int r = 0; r < matrix.Count; r++)
        {
            using (var w = new System.Text.Json.Utf8JsonWriter(output, options))
            {
                w.WriteStartObject();
                if (matrix.Keys is { } keys)
                    w.WriteString("id", keys[r]);
                else
                    w.WriteNumber("id", r);
                if (fields is not null)
                {
                    // The row's other fields, as they were read, between its id and its vector.
                    using var other = System.Text.Json.JsonDocument.Parse(fields[r]);
                    foreach (var property in other.RootElement.EnumerateObject())
                        if (property.Name is not ("id" or "vector"))
                            property.WriteTo(w);
                }
                w.WriteStartArray("vector");
                if (matrix.IsFloat64)
                    foreach (var v in matrix.GetRow64(r)) w.WriteNumberValue(v);
                else
                    foreach (var v in matrix[r]) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            output.Write(newline);
        }
    }

    internal static string[] KeysForWord2Vec(EmbeddingMatrix matrix)
    {
        var keys = matrix.Keys?.ToArray() ?? [.. Enumerable.Range(0, matrix.Count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        for (int r = 0; r < keys.Length; r++)
            if (keys[r].Length == 0 || keys[r].AsSpan().IndexOfAny(" \t\n\r") >= 0)
                throw new InputException($"row {r + 1}: the key '{keys[r]}' is empty or contains whitespace, which the word2vec formats cannot store");
        return keys;
    }

    static void AppendValue(StringBuilder line, EmbeddingMatrix matrix, int row, int column, Span<char> buffer)
    {
        int written;
        if (matrix.IsFloat64)
            matrix.GetRow64(row)[column].TryFormat(buffer, out written, "R", CultureInfo.InvariantCulture);
        else
            matrix[row][column].TryFormat(buffer, out written, "R", CultureInfo.InvariantCulture);
        line.Append(buffer[..written]);
    }
}
