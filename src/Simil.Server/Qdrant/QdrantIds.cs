using System.Globalization;
using System.Text.Json;

namespace Simil.Server.Qdrant;

/// <summary>
/// Qdrant's point ids as Simil's string ids: an unsigned integer is its decimal digits, a UUID its
/// lowercase hyphenated form; on the way out, decimal digits become a number again.
/// </summary>
static class QdrantIds
{
    /// <summary>The id stored for Qdrant's <paramref name="id"/> (a JSON number or UUID string).</summary>
    public static string Parse(JsonElement id, string where) => id.ValueKind switch
    {
        JsonValueKind.Number when id.TryGetUInt64(out ulong n) => n.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.String when Guid.TryParse(id.GetString(), out var g) => g.ToString("D"),
        _ => throw new QdrantUnsupportedException($"{where}: {Show(id)} is not a point id (an unsigned integer or a UUID)"),
    };

    /// <summary>The id stored for an id written in a URL.</summary>
    public static string Parse(string id) =>
        ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) ? n.ToString(CultureInfo.InvariantCulture)
        : Guid.TryParse(id, out var g) ? g.ToString("D")
        : throw new QdrantUnsupportedException($"'{id}' is not a point id (an unsigned integer or a UUID)");

    /// <summary>Writes <paramref name="id"/> as Qdrant gives it: a number when it is an unsigned integer's digits, else a string.</summary>
    public static void Write(Utf8JsonWriter writer, string id)
    {
        if (AsNumber(id) is { } n)
            writer.WriteNumberValue(n);
        else
            writer.WriteStringValue(id);
    }

    static ulong? AsNumber(string id) =>
        id.Length is > 0 and <= 20 && (id.Length == 1 || id[0] != '0') && ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) ? n : null;

    /// <summary>Qdrant's order of ids: integers by value first, then the others (UUIDs) by their text.</summary>
    public static int Compare(string? a, string? b)
    {
        ulong? x = a is null ? null : AsNumber(a), y = b is null ? null : AsNumber(b);
        return (x, y) switch
        {
            ({ } p, { } q) => p.CompareTo(q),
            ({ }, null) => -1,
            (null, { }) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }

    static string Show(JsonElement e)
    {
        string text = e.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "…";
    }
}
