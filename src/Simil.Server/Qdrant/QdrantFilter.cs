using System.Buffers;
using System.Text.Json;
using Simil.Filters;

namespace Simil.Server.Qdrant;

/// <summary>
/// Qdrant's filter JSON (<c>must</c>, <c>should</c>, <c>must_not</c>; <c>match</c> and <c>range</c>
/// conditions; nested filters) translated into the library's <see cref="Filter"/>, by way of the
/// MongoDB-style JSON that <see cref="Filter.Parse"/> reads — one filter model, not a second
/// matcher. Anything Qdrant has that this does not is refused by name (<c>docs/serve.md</c>).
/// </summary>
static class QdrantFilter
{
    static readonly string[] Unsupported = ["has_id", "is_empty", "is_null", "values_count", "geo_bounding_box", "geo_radius", "geo_polygon", "nested", "has_vector", "datetime_range"];

    /// <summary>The library's filter for Qdrant's <paramref name="filter"/> (null or JSON null: none).</summary>
    /// <exception cref="QdrantUnsupportedException">A condition this server does not offer.</exception>
    public static Filter? Translate(JsonElement? filter)
    {
        if (filter is not { } f || f.ValueKind == JsonValueKind.Null)
            return null;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteFilter(writer, f, "filter");
        return Filter.Parse(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    static void WriteFilter(Utf8JsonWriter w, JsonElement f, string where)
    {
        if (f.ValueKind != JsonValueKind.Object)
            throw new QdrantUnsupportedException($"{where}: a filter is an object with must, should and must_not");
        w.WriteStartObject();
        int parts = f.EnumerateObject().Sum(p => p.Name switch
        {
            "must" or "must_not" => Conditions(p.Value).Count(),
            "should" => Conditions(p.Value).Any() ? 1 : 0,
            _ => 0,
        });
        if (parts == 0)
        {
            // No condition: every row (the library's empty filter); the names are still checked.
            foreach (var p in f.EnumerateObject())
                if (p.Name is not ("must" or "should" or "must_not" or "min_should"))
                    throw new QdrantUnsupportedException($"{where}.{p.Name} is not a part of a filter (must, should, must_not)");
            w.WriteEndObject();
            return;
        }
        w.WritePropertyName("$and");
        w.WriteStartArray();
        foreach (var p in f.EnumerateObject())
        {
            switch (p.Name)
            {
                case "must":
                    foreach (var (c, i) in Conditions(p.Value))
                        WriteCondition(w, c, $"{where}.must[{i}]");
                    break;
                case "should":
                    if (!Conditions(p.Value).Any())
                        break;
                    w.WriteStartObject();
                    w.WritePropertyName("$or");
                    w.WriteStartArray();
                    foreach (var (c, i) in Conditions(p.Value))
                        WriteCondition(w, c, $"{where}.should[{i}]");
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                case "must_not":
                    foreach (var (c, i) in Conditions(p.Value))
                    {
                        w.WriteStartObject();
                        w.WritePropertyName("$not");
                        WriteCondition(w, c, $"{where}.must_not[{i}]");
                        w.WriteEndObject();
                    }
                    break;
                case "min_should":
                    if (p.Value.ValueKind != JsonValueKind.Null)
                        throw new QdrantUnsupportedException($"{where}.min_should is not supported");
                    break;
                default:
                    throw new QdrantUnsupportedException($"{where}.{p.Name} is not a part of a filter (must, should, must_not)");
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A condition list: one condition or an array of them (null: none).</summary>
    static IEnumerable<(JsonElement, int)> Conditions(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => [],
        JsonValueKind.Array => value.EnumerateArray().Select((c, i) => (c, i)),
        _ => [(value, 0)],
    };

    static void WriteCondition(Utf8JsonWriter w, JsonElement c, string where)
    {
        if (c.ValueKind != JsonValueKind.Object)
            throw new QdrantUnsupportedException($"{where}: a condition is an object");
        if (c.TryGetProperty("must", out _) || c.TryGetProperty("should", out _) || c.TryGetProperty("must_not", out _))
        {
            WriteFilter(w, c, where);
            return;
        }
        foreach (var name in Unsupported)
            if (c.TryGetProperty(name, out _))
                throw new QdrantUnsupportedException($"{where}: the condition {name} is not supported");
        string? key = null;
        JsonElement? match = null, range = null;
        foreach (var p in c.EnumerateObject())
        {
            switch (p.Name)
            {
                case "key" when p.Value.ValueKind == JsonValueKind.String:
                    key = p.Value.GetString();
                    break;
                case "match":
                    match = p.Value;
                    break;
                case "range":
                    range = p.Value;
                    break;
                default:
                    throw new QdrantUnsupportedException($"{where}.{p.Name} is not supported in a condition (key with match or range)");
            }
        }
        if (string.IsNullOrEmpty(key))
            throw new QdrantUnsupportedException($"{where}: a field condition needs \"key\" (a string)");
        if (key.Contains("[]", StringComparison.Ordinal))
            throw new QdrantUnsupportedException($"{where}: array paths such as '{key}' are not supported; a key names a field or a dotted path");
        if ((match is null) == (range is null))
            throw new QdrantUnsupportedException($"{where}: a condition on '{key}' needs one of match and range");
        w.WriteStartObject();
        w.WritePropertyName(key);
        w.WriteStartObject();
        if (match is { } m)
            WriteMatch(w, m, $"{where}.match");
        else
            WriteRange(w, range!.Value, $"{where}.range");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static void WriteMatch(Utf8JsonWriter w, JsonElement m, string where)
    {
        if (m.ValueKind != JsonValueKind.Object || m.EnumerateObject().Count() != 1)
            throw new QdrantUnsupportedException($"{where}: a match is one of {{\"value\"}}, {{\"any\"}} and {{\"except\"}}");
        var p = m.EnumerateObject().First();
        switch (p.Name)
        {
            case "value" when p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                w.WritePropertyName("$eq");
                p.Value.WriteTo(w);
                break;
            case "any" or "except" when p.Value.ValueKind == JsonValueKind.Array:
                w.WritePropertyName(p.Name == "any" ? "$in" : "$nin");
                p.Value.WriteTo(w);
                break;
            case "text" or "phrase" or "text_any":
                throw new QdrantUnsupportedException($"{where}.{p.Name} (full-text match) is not supported");
            default:
                throw new QdrantUnsupportedException($"{where}.{p.Name} is not supported (match takes value: a string, number or bool; any or except: a list)");
        }
    }

    static void WriteRange(Utf8JsonWriter w, JsonElement r, string where)
    {
        if (r.ValueKind != JsonValueKind.Object)
            throw new QdrantUnsupportedException($"{where}: a range is an object with gt, gte, lt and lte");
        int bounds = 0;
        foreach (var p in r.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null)
                continue;
            string op = p.Name switch
            {
                "gt" => "$gt",
                "gte" => "$gte",
                "lt" => "$lt",
                "lte" => "$lte",
                _ => throw new QdrantUnsupportedException($"{where}.{p.Name} is not a bound (gt, gte, lt, lte)"),
            };
            if (p.Value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                throw new QdrantUnsupportedException($"{where}.{p.Name}: a bound is a number or an RFC 3339 date");
            w.WritePropertyName(op);
            p.Value.WriteTo(w);
            bounds++;
        }
        if (bounds == 0)
            throw new QdrantUnsupportedException($"{where}: a range needs at least one of gt, gte, lt and lte");
    }
}

/// <summary>A part of Qdrant's API that this server does not offer (400, naming it).</summary>
sealed class QdrantUnsupportedException(string message) : Exception(message);

/// <summary>An endpoint of Qdrant's API that this server does not offer (404, naming it).</summary>
sealed class QdrantNotOfferedException(string message) : Exception(message);
