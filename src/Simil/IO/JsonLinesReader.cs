using Simil.Storage;
using System.Text.Json;

namespace Simil.IO;

/// <summary>
/// JSON Lines: one object a line, either <c>{"id": …, "vector": [numbers]}</c> (the key is
/// <c>id</c>, else <c>key</c>; <c>embedding</c> is accepted for <c>vector</c>) or
/// <c>{"text": "…"}</c> for texts to embed. All lines must be of the same kind, and all vectors of
/// the same length. Blank lines are skipped.
/// </summary>
static class JsonLinesReader
{
    public static (EmbeddingMatrix? Vectors, List<string>? Texts) Read(Stream stream, string file, List<string> warnings, VectorSink sink)
    {
        long capacity = stream.CanSeek ? Tokens.CountLines(stream) : 1024;
        var reader = new LineReader(stream);
        SinkRoom<float>? data = null;
        List<string>? keys = null;
        List<string>? texts = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int dims = -1, rows = 0, duplicates = 0, missingKeys = 0;
        string? firstDuplicate = null;
        var values = new List<float>();

        while (reader.TryReadLine(out var line))
        {
            if (line.Trim(" \t\r"u8).IsEmpty)
                continue;
            long number = reader.LineNumber;
            if (!System.Text.Unicode.Utf8.IsValid(line))
                throw FileError.Line(file, number, "the line is not valid UTF-8");
            string? key = null, text = null;
            bool hasVector = false;
            values.Clear();
            try
            {
                var json = new Utf8JsonReader(line);
                if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
                    throw FileError.Line(file, number, "expected a JSON object such as {\"id\": \"a\", \"vector\": [1, 2]} or {\"text\": \"…\"}");
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    string name = json.GetString()!;
                    json.Read();
                    switch (name)
                    {
                        case "id" or "key" when json.TokenType is JsonTokenType.String or JsonTokenType.Number:
                            key = json.TokenType == JsonTokenType.String ? json.GetString() : System.Text.Encoding.UTF8.GetString(json.ValueSpan);
                            break;
                        case "text" when json.TokenType == JsonTokenType.String:
                            text = json.GetString();
                            break;
                        case "vector" or "embedding":
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
                            break;
                        default:
                            json.Skip();
                            break;
                    }
                }
                if (json.TokenType != JsonTokenType.EndObject || json.Read())
                    throw FileError.Line(file, number, "expected one JSON object on the line");
            }
            catch (JsonException e)
            {
                throw FileError.Line(file, number, $"invalid JSON at byte {e.BytePositionInLine + 1} of the line");
            }

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
                rows++;
            }
            else if (text is not null)
            {
                if (data is not null)
                    throw FileError.Line(file, number, "a text after lines of vectors; a file holds either vectors or texts");
                (texts ??= []).Add(text);
            }
            else
                throw FileError.Line(file, number, "the object has neither \"vector\" nor \"text\"");
        }
        if (data is null && texts is null)
            throw FileError.Line(file, Math.Max(1, reader.LineNumber), "the file holds no JSON lines");
        if (duplicates > 0)
            warnings.Add($"{file}: {duplicates} duplicate key{(duplicates == 1 ? "" : "s")} ignored, the first occurrence kept (first: '{firstDuplicate}')");
        if (data is null)
            return (null, texts);
        return (sink.Complete<float>(rows, dims, missingKeys == rows + duplicates ? null : [.. keys!]), null);
    }
}
