using Simil.Storage;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Simil.IO;

/// <summary>
/// JSON Lines: one object a line, either <c>{"id": …, "vector": [numbers]}</c> (<c>embedding</c> is
/// accepted for <c>vector</c>) or <c>{"id": …, "text": "…"}</c> for texts to embed. The id is the
/// field <see cref="VectorReadOptions.IdField"/> names, by default <c>id</c>, else <c>key</c>; the
/// text is <see cref="VectorReadOptions.TextField"/>, by default <c>text</c>. A vector line with no
/// id takes its text, else its row number, as its key; texts with no ids are their own keys. Every
/// other field is kept as one JSON object a row (<see cref="VectorFileContent.Fields"/>).
/// All lines must be of the same kind, and all vectors of the same length. Blank lines are skipped.
/// </summary>
static class JsonLinesReader
{
    public static (EmbeddingMatrix? Vectors, TextRows? Texts, List<string>? VectorFields) Read(Stream stream, string file, List<string> warnings, VectorSink sink,
        string? idField = null, string? textField = null)
    {
        long capacity = stream.CanSeek ? Tokens.CountLines(stream) : 1024;
        var reader = new LineReader(stream);
        SinkRoom<float>? data = null;
        List<string>? keys = null;
        List<string>? texts = null;
        List<string>? textIds = null;
        List<string>? fields = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var idLines = new Dictionary<string, long>(StringComparer.Ordinal);
        int dims = -1, rows = 0, duplicates = 0, missingKeys = 0, withFields = 0;
        long firstWithoutId = 0, firstWithId = 0;
        string? firstDuplicate = null;
        var values = new List<float>();
        var others = new StringBuilder();
        string textName = textField ?? "text";

        while (reader.TryReadLine(out var line))
        {
            if (line.Trim(" \t\r"u8).IsEmpty)
                continue;
            long number = reader.LineNumber;
            if (!System.Text.Unicode.Utf8.IsValid(line))
                throw FileError.Line(file, number, "the line is not valid UTF-8");
            string? key = null, fallbackKey = null, text = null;
            bool hasVector = false;
            values.Clear();
            others.Clear();
            try
            {
                var json = new Utf8JsonReader(line);
                if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
                    throw FileError.Line(file, number, "expected a JSON object such as {\"id\": \"a\", \"vector\": [1, 2]} or {\"id\": \"a\", \"text\": \"…\"}");
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    string name = json.GetString()!;
                    json.Read();
                    if (name == textName)
                    {
                        if (json.TokenType != JsonTokenType.String)
                            throw FileError.Line(file, number, $"\"{name}\" must be a string");
                        text = json.GetString();
                    }
                    else if (idField is not null ? name == idField : name is "id" or "key")
                    {
                        if (json.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
                            throw FileError.Line(file, number, $"\"{name}\" must be a string or a number");
                        string value = json.TokenType == JsonTokenType.String ? json.GetString()! : Encoding.UTF8.GetString(json.ValueSpan);
                        // "id" wins over "key" when a line has both.
                        if (name == "key" && idField is null)
                            fallbackKey = value;
                        else
                            key = value;
                    }
                    else if (name is "vector" or "embedding")
                    {
                        if (json.TokenType != JsonTokenType.StartArray)
                            throw FileError.Line(file, number, $"\"{name}\" must be an array of numbers");
                        hasVector = true;
                        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                        {
                            if (json.TokenType != JsonTokenType.Number || !json.TryGetSingle(out float v))
                                throw FileError.Line(file, number, $"\"{name}\" value {values.Count + 1} is not a number");
                            if (!float.IsFinite(v))
                                throw FileError.Line(file, number, $"\"{name}\" value {values.Count + 1} is not a finite float32");
                            values.Add(v);
                        }
                    }
                    else
                    {
                        // Another field: kept as written.
                        int start = (int)json.TokenStartIndex;
                        json.Skip();
                        others.Append(others.Length == 0 ? '{' : ',').Append('"').Append(JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).Append("\":")
                            .Append(Encoding.UTF8.GetString(line[start..(int)json.BytesConsumed]));
                    }
                }
                if (json.TokenType != JsonTokenType.EndObject || json.Read())
                    throw FileError.Line(file, number, "expected one JSON object on the line");
            }
            catch (JsonException e)
            {
                throw FileError.Line(file, number, $"invalid JSON at byte {e.BytePositionInLine + 1} of the line");
            }
            key ??= fallbackKey;
            if (idField is not null && key is null)
                throw FileError.Line(file, number, $"the line has no \"{idField}\" field (named as the id field)", nameof(VectorReadOptions.IdField));

            if (hasVector)
            {
                if (texts is not null)
                    throw FileError.Line(file, number, "a vector after lines of text; a file holds either vectors or texts");
                if (dims < 0)
                {
                    dims = values.Count;
                    if (dims == 0)
                        throw FileError.Line(file, number, "the vector is empty");
                    FileError.CheckFits(file, $"line {number}", capacity, dims, sink);
                    data = sink.Reserve<float>(capacity * dims);
                    keys = [];
                }
                if (values.Count != dims)
                    throw FileError.Line(file, number, $"{values.Count} values, expected {dims} as on the first vector");
                key ??= text;
                if (key is null)
                {
                    missingKeys++;
                    key = (rows + duplicates).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (!seen.Add(key))
                {
                    duplicates++;
                    firstDuplicate ??= key;
                    continue;
                }
                if (rows == capacity)
                {
                    capacity *= 2;
                    FileError.CheckFits(file, $"line {number}", capacity, dims, sink);
                    data = sink.Grow<float>(capacity * dims);
                }
                values.CopyTo(data!.Value.Slice((long)rows * dims, dims));
                keys!.Add(key);
                // Other fields: the list is made at the first row that has any ("{}" for the rows before).
                if (others.Length > 0)
                {
                    fields ??= [.. Enumerable.Repeat("{}", rows)];
                    fields.Add(others.Append('}').ToString());
                    withFields++;
                }
                else
                    fields?.Add("{}");
                rows++;
            }
            else if (text is not null)
            {
                if (data is not null)
                    throw FileError.Line(file, number, "a text after lines of vectors; a file holds either vectors or texts");
                texts ??= [];
                fields ??= [];
                if (key is null)
                {
                    if (firstWithoutId == 0)
                        firstWithoutId = number;
                }
                else
                {
                    if (firstWithId == 0)
                        firstWithId = number;
                    if (!idLines.TryAdd(key, number))
                        throw FileError.Line(file, number, $"the id '{key}' is already the id of line {idLines[key]}; ids must be unique");
                    (textIds ??= []).Add(key);
                }
                if (firstWithId > 0 && firstWithoutId > 0)
                    throw FileError.Line(file, Math.Max(firstWithId, firstWithoutId),
                        $"line {Math.Min(firstWithId, firstWithoutId)} {(firstWithId < firstWithoutId ? "has" : "has no")} id but this one {(firstWithId < firstWithoutId ? "has none" : "has one")}; give every text an id or none");
                texts.Add(text);
                fields.Add(others.Length == 0 ? "{}" : others.Append('}').ToString());
                if (others.Length > 0)
                    withFields++;
            }
            else
                throw FileError.Line(file, number, $"the object has neither \"vector\" nor \"{textName}\"{(textField is null ? "; name its text field" : "")}",
                    textField is null ? nameof(VectorReadOptions.TextField) : null);
        }
        if (data is null && texts is null)
            throw FileError.Line(file, Math.Max(1, reader.LineNumber), "the file holds no JSON lines");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}')");
        if (data is null)
            return (null, new TextRows(texts!, textIds, withFields > 0 ? fields : null), null);
        return (sink.Complete<float>(rows, dims, missingKeys == rows + duplicates ? null : [.. keys!]), null, withFields > 0 ? fields : null);
    }
}
