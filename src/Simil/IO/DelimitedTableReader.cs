using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using Simil.Storage;

namespace Simil.IO;

/// <summary>
/// CSV or TSV with a header line (RFC 4180 quoting, read by the runtime's own
/// <see cref="TextFieldParser"/>). With a text column (<see cref="VectorReadOptions.TextField"/>,
/// by default <c>text</c>) the rows are texts to embed, with their ids (the id column:
/// <see cref="VectorReadOptions.IdField"/>, by default <c>id</c>, else <c>key</c>) and every other
/// column kept as a JSON object (numbers as numbers); with a <c>vector</c> column of JSON arrays,
/// the rows are those vectors, keyed by the id column, the other columns their metadata; with
/// neither, the id column keys the rows and every other column must be a number: vectors. A file whose first line is all numbers has no header
/// and is read by <see cref="TextMatrixReader"/>, as before.
/// </summary>
static class DelimitedTableReader
{
    /// <summary>True when the first line that is not blank or a comment has a field that is not a number: a header.</summary>
    public static bool HasHeader(Stream stream, char delimiter)
    {
        long start = stream.Position;
        try
        {
            var reader = new LineReader(stream, 64 * 1024);
            while (reader.TryReadLine(out var raw))
            {
                var line = raw.TrimEnd("\r"u8);
                if (line.Trim(" \t"u8).IsEmpty || line[0] == (byte)'#')
                    continue;
                foreach (var field in Encoding.UTF8.GetString(line).Split(delimiter))
                    if (!double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                        return true;
                return false;
            }
            return false;
        }
        finally
        {
            stream.Position = start;
        }
    }

    public static (EmbeddingMatrix? Vectors, TextRows? Texts, List<string>? VectorFields) Read(Stream stream, string file, char delimiter, List<string> warnings, VectorSink sink,
        string? idField, string? textField)
    {
        long capacity = Math.Max(1, Tokens.CountLines(stream));
        using var parser = new TextFieldParser(stream, Encoding.UTF8, detectEncoding: false, leaveOpen: true)
        {
            TextFieldType = FieldType.Delimited,
            HasFieldsEnclosedInQuotes = true,
            TrimWhiteSpace = true,
            CommentTokens = ["#"],
        };
        parser.SetDelimiters(delimiter.ToString());
        var header = ReadFields(parser, file, out long headerLine) ?? throw FileError.Line(file, 1, "the file holds no rows");
        int Column(string? named, params string[] defaults)
        {
            if (named is not null)
                return Array.IndexOf(header, named) is var i and >= 0 ? i
                    : throw FileError.Line(file, headerLine, $"the header has no column '{named}' (columns: {string.Join(", ", header)})");
            return defaults.Select(d => Array.IndexOf(header, d)).FirstOrDefault(i => i >= 0, -1);
        }
        int idColumn = Column(idField, "id", "key");
        int textColumn = Column(textField, "text");
        if (textColumn >= 0)
            return (null, ReadTexts(parser, file, header, idColumn, textColumn), null);
        int vectorColumn = Column(null, "vector");
        return vectorColumn >= 0
            ? ReadVectorColumn(parser, file, header, idColumn, vectorColumn, capacity, warnings, sink)
            : (ReadVectors(parser, file, header, idColumn, capacity, warnings, sink), null, null);
    }

    /// <summary>
    /// A row's other columns as one JSON object: a field that reads as a number (invariant culture,
    /// finite) is a JSON number, <c>true</c>/<c>false</c> a bool, anything else a string, so that
    /// filters compare numbers as numbers (<c>{"year":{"$gte":2015}}</c>).
    /// </summary>
    static string Fields(StringBuilder json, string[] header, string[] row, int idColumn, int otherColumn)
    {
        json.Clear();
        for (int c = 0; c < row.Length; c++)
        {
            if (c == idColumn || c == otherColumn)
                continue;
            json.Append(json.Length == 0 ? "{\"" : ",\"").Append(JsonEncodedText.Encode(header[c], JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).Append("\":");
            string value = row[c];
            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
                json.Append(integer.ToString(CultureInfo.InvariantCulture));
            else if (value.Length > 0 && char.IsAsciiDigit(value[^1]) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
                json.Append(number.ToString("R", CultureInfo.InvariantCulture));
            else if (value is "true" or "false")
                json.Append(value);
            else
                json.Append('"').Append(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).Append('"');
        }
        return json.Append('}').ToString();
    }

    /// <summary>
    /// Vectors in one column named <c>vector</c>, each a JSON array of numbers (<c>"[0.1, 0.2]"</c>,
    /// quoted as CSV needs), the id column keying the rows and every other column kept as the row's
    /// metadata (<see cref="Fields"/>), as JSON Lines does.
    /// </summary>
    static (EmbeddingMatrix, TextRows?, List<string>?) ReadVectorColumn(TextFieldParser parser, string file, string[] header, int idColumn, int vectorColumn,
        long capacity, List<string> warnings, VectorSink sink)
    {
        var keys = idColumn >= 0 ? new List<string>() : null;
        var fields = header.Length > (idColumn >= 0 ? 2 : 1) ? new List<string>() : null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var json = new StringBuilder();
        int rows = 0, duplicates = 0, dims = -1;
        string? firstDuplicate = null;
        SinkRoom<float> data = default;
        while (true)
        {
            if (ReadFields(parser, file, out long line) is not { } row)
                break;
            if (row.Length != header.Length)
                throw FileError.Line(file, line, $"{row.Length} fields, but the header has {header.Length}");
            if (keys is not null && !seen.Add(row[idColumn]))
            {
                duplicates++;
                firstDuplicate ??= row[idColumn];
                continue;
            }
            float[] vector;
            try
            {
                using var cell = JsonDocument.Parse(row[vectorColumn]);
                if (cell.RootElement.ValueKind != JsonValueKind.Array || cell.RootElement.GetArrayLength() == 0)
                    throw FileError.Line(file, line, vectorColumn + 1, "the vector column holds a JSON array of numbers, e.g. \"[0.1, 0.2]\"");
                vector = [.. cell.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetSingle()
                    : throw FileError.Line(file, line, vectorColumn + 1, $"{e.GetRawText()} in the vector is not a number"))];
            }
            catch (JsonException)
            {
                throw FileError.Line(file, line, vectorColumn + 1, "the vector column holds a JSON array of numbers, e.g. \"[0.1, 0.2]\"");
            }
            if (!vector.All(float.IsFinite))
                throw FileError.Line(file, line, vectorColumn + 1, "a value of the vector is not a finite float32; every value must be finite");
            if (dims < 0)
            {
                dims = vector.Length;
                FileError.CheckFits(file, $"line {line}", capacity, dims, sink);
                data = sink.Reserve<float>(capacity * dims);
            }
            else if (vector.Length != dims)
                throw FileError.Line(file, line, vectorColumn + 1, $"{vector.Length} values, expected {dims} as on the first row");
            if (rows == capacity)
            {
                capacity *= 2;
                data = sink.Grow<float>(capacity * dims);
            }
            vector.CopyTo(data.Slice((long)rows * dims, dims));
            keys?.Add(row[idColumn]);
            fields?.Add(Fields(json, header, row, idColumn, vectorColumn));
            rows++;
        }
        if (rows == 0)
            throw FileError.Line(file, 1, "the file holds a header and no rows");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}')");
        return (sink.Complete<float>(rows, dims, keys?.ToArray()), null, fields);
    }

    /// <summary>The next row's fields (blank and comment lines skipped), or null at the end; <paramref name="line"/> is the row's last line.</summary>
    static string[]? ReadFields(TextFieldParser parser, string file, out long line)
    {
        line = parser.LineNumber;
        try
        {
            var fields = parser.ReadFields();
            if (parser.LineNumber > 0)
                line = parser.LineNumber - 1;
            return fields;
        }
        catch (MalformedLineException e)
        {
            throw FileError.Line(file, e.LineNumber > 0 ? e.LineNumber : Math.Max(1, line), "a quoted field is not closed or is followed by other characters");
        }
    }

    static TextRows ReadTexts(TextFieldParser parser, string file, string[] header, int idColumn, int textColumn)
    {
        var texts = new List<string>();
        var ids = idColumn >= 0 ? new List<string>() : null;
        var fields = header.Length > (idColumn >= 0 ? 2 : 1) ? new List<string>() : null;
        var idLines = new Dictionary<string, long>(StringComparer.Ordinal);
        var json = new StringBuilder();
        while (true)
        {
            if (ReadFields(parser, file, out long line) is not { } row)
                break;
            if (row.Length != header.Length)
                throw FileError.Line(file, line, $"{row.Length} fields, but the header has {header.Length}");
            if (ids is not null)
            {
                string id = row[idColumn];
                if (id.Length == 0)
                    throw FileError.Line(file, line, $"the id column '{header[idColumn]}' is empty");
                if (!idLines.TryAdd(id, line))
                    throw FileError.Line(file, line, $"the id '{id}' is already the id of line {idLines[id]}; ids must be unique");
                ids.Add(id);
            }
            texts.Add(row[textColumn]);
            fields?.Add(Fields(json, header, row, idColumn, textColumn));
        }
        if (texts.Count == 0)
            throw FileError.Line(file, 1, "the file holds a header and no rows");
        return new TextRows(texts, ids, fields);
    }

    static EmbeddingMatrix ReadVectors(TextFieldParser parser, string file, string[] header, int idColumn, long capacity,
        List<string> warnings, VectorSink sink)
    {
        int dims = header.Length - (idColumn >= 0 ? 1 : 0);
        if (dims == 0)
            throw FileError.Line(file, 1, $"the header names only the id column '{header[idColumn]}'; no column holds numbers");
        FileError.CheckFits(file, "line 1", capacity, dims, sink);
        var data = sink.Reserve<float>(capacity * dims);
        var keys = idColumn >= 0 ? new List<string>() : null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int rows = 0, duplicates = 0;
        string? firstDuplicate = null;
        while (true)
        {
            if (ReadFields(parser, file, out long line) is not { } row)
                break;
            if (row.Length != header.Length)
                throw FileError.Line(file, line, $"{row.Length} fields, but the header has {header.Length}");
            if (keys is not null && !seen.Add(row[idColumn]))
            {
                duplicates++;
                firstDuplicate ??= row[idColumn];
                continue;
            }
            if (rows == capacity)
            {
                capacity *= 2;
                data = sink.Grow<float>(capacity * dims);
            }
            var target = data.Slice((long)rows * dims, dims);
            for (int c = 0, d = 0; c < row.Length; c++)
            {
                if (c == idColumn)
                    continue;
                if (!float.TryParse(row[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    throw FileError.Line(file, line, c + 1, $"'{Tokens.Show(Encoding.UTF8.GetBytes(row[c]))}' in column '{header[c]}' is not a number; " +
                        "every column but the id is a vector value, unless a text column (text, or one named as the text field) makes the rows texts to embed",
                        nameof(VectorReadOptions.TextField));
                if (!float.IsFinite(v))
                    throw FileError.Line(file, line, c + 1, $"{row[c]} is not a finite float32; every value must be finite");
                target[d++] = v;
            }
            keys?.Add(row[idColumn]);
            rows++;
        }
        if (rows == 0)
            throw FileError.Line(file, 1, "the file holds a header and no rows");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}')");
        return sink.Complete<float>(rows, dims, keys?.ToArray());
    }
}
