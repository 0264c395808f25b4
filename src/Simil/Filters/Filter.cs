using System.Globalization;
using System.Text.Json;

namespace Simil.Filters;

/// <summary>
/// A condition on a row's metadata (a JSON object): the one filter model of the library
/// (<c>docs/collection-format.md</c>). Built in code (<see cref="Eq"/>, <see cref="Range"/>,
/// <see cref="In"/>, <see cref="Exists"/>, <see cref="And"/>, <see cref="Or"/>, <see cref="Not"/>) or
/// parsed from MongoDB/Chroma-style JSON (<see cref="Parse"/>); MEVD's LINQ filters and Qdrant's
/// filter JSON translate to it. A field is a name, or a dotted path into nested objects; where a
/// field holds an array, equality and <c>in</c> match when any element does, and equality with an
/// array value is MongoDB's exact-array match. A field missing from a row fails every condition but
/// <c>$ne</c>, <c>$nin</c> and <c>$exists: false</c>. Strings that are ISO-8601 dates compare as
/// instants in ranges; numbers compare as numbers (integers exactly, past 2^53 too).
/// </summary>
public abstract record Filter
{
    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a filter that cannot be parsed.</summary>
    public const string Setting = "Filter";

    private protected Filter()
    {
    }

    /// <summary>True when <paramref name="metadata"/> (an object; anything else counts as no fields) meets the condition.</summary>
    public abstract bool Matches(JsonElement metadata);

    /// <summary>True when the metadata JSON text meets the condition (null or empty: no fields).</summary>
    public bool Matches(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata))
            return Matches(Empty);
        using var document = JsonDocument.Parse(metadata);
        return Matches(document.RootElement);
    }

    static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary><paramref name="field"/> equals <paramref name="value"/> (a string, number, bool or null).</summary>
    public static Filter Eq(string field, object? value) => new Comparison(field, Operator.Eq, Scalar.From(value));

    /// <summary><paramref name="field"/> differs from <paramref name="value"/> (or is missing).</summary>
    public static Filter Ne(string field, object? value) => new Comparison(field, Operator.Ne, Scalar.From(value));

    /// <summary><paramref name="field"/> lies in a range: each bound (a number, or a date or date string) null for none.</summary>
    public static Filter Range(string field, object? greaterOrEqual = null, object? less = null, object? greater = null, object? lessOrEqual = null)
    {
        var parts = new List<Filter>();
        if (greaterOrEqual is not null) parts.Add(new Comparison(field, Operator.Gte, Scalar.From(greaterOrEqual)));
        if (greater is not null) parts.Add(new Comparison(field, Operator.Gt, Scalar.From(greater)));
        if (less is not null) parts.Add(new Comparison(field, Operator.Lt, Scalar.From(less)));
        if (lessOrEqual is not null) parts.Add(new Comparison(field, Operator.Lte, Scalar.From(lessOrEqual)));
        return parts.Count == 1 ? parts[0] : new AllOf(parts);
    }

    /// <summary><paramref name="field"/> equals one of <paramref name="values"/>.</summary>
    public static Filter In(string field, params IEnumerable<object?> values) => new Membership(field, [.. values.Select(Scalar.From)], Negated: false);

    /// <summary><paramref name="field"/> equals none of <paramref name="values"/> (or is missing).</summary>
    public static Filter NotIn(string field, params IEnumerable<object?> values) => new Membership(field, [.. values.Select(Scalar.From)], Negated: true);

    /// <summary><paramref name="field"/> is present (<paramref name="present"/> true) or absent.</summary>
    public static Filter Exists(string field, bool present = true) => new Presence(field, present);

    /// <summary>Every one of <paramref name="filters"/>.</summary>
    public static Filter And(params IEnumerable<Filter> filters) => new AllOf([.. filters]);

    /// <summary>At least one of <paramref name="filters"/>.</summary>
    public static Filter Or(params IEnumerable<Filter> filters) => new AnyOf([.. filters]);

    /// <summary>Not <paramref name="filter"/>.</summary>
    public static Filter Not(Filter filter) => new Negation(filter);

    /// <summary>
    /// A filter from MongoDB/Chroma-style JSON: <c>{"lang":"pt","year":{"$gte":2015}}</c> — a field's
    /// value is implicit equality or an object of operators (<c>$eq $ne $gt $gte $lt $lte $in $nin
    /// $exists</c>); fields side by side must all hold; <c>$and</c>/<c>$or</c> take arrays of
    /// filters, <c>$not</c> one filter.
    /// </summary>
    /// <exception cref="InvalidSettingException">The text is not such a filter (setting <see cref="Setting"/>; the reason says where).</exception>
    public static Filter Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return ParseObject(document.RootElement, "the filter");
        }
        catch (JsonException e)
        {
            throw new InvalidSettingException(Setting, $"not valid JSON ({e.Message.Split(" LineNumber")[0]})");
        }
    }

    static Filter ParseObject(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new InvalidSettingException(Setting, $"{where} must be a JSON object such as {{\"lang\": \"pt\"}}");
        var parts = new List<Filter>();
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "$and" or "$or":
                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0)
                        throw new InvalidSettingException(Setting, $"{p.Name} takes a non-empty array of filters");
                    var list = p.Value.EnumerateArray().Select((x, i) => ParseObject(x, $"{p.Name}[{i}]")).ToList();
                    parts.Add(p.Name == "$and" ? new AllOf(list) : new AnyOf(list));
                    break;
                case "$not":
                    parts.Add(new Negation(ParseObject(p.Value, "$not")));
                    break;
                case var name when name.StartsWith('$'):
                    throw new InvalidSettingException(Setting, $"'{name}' is not an operator here; fields' operators go inside the field: {{\"year\": {{\"$gte\": 2015}}}}");
                default:
                    parts.Add(ParseField(p.Name, p.Value));
                    break;
            }
        }
        return parts.Count == 1 ? parts[0] : new AllOf(parts);
    }

    static Filter ParseField(string field, JsonElement value)
    {
        if (field.Length == 0)
            throw new InvalidSettingException(Setting, "a field name is empty");
        bool isOperators = value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any() && value.EnumerateObject().All(p => p.Name.StartsWith('$'));
        if (!isOperators)
            return new Comparison(field, Operator.Eq, Scalar.Parse(value, field));
        var parts = new List<Filter>();
        foreach (var p in value.EnumerateObject())
        {
            parts.Add(p.Name switch
            {
                "$eq" => new Comparison(field, Operator.Eq, Scalar.Parse(p.Value, field)),
                "$ne" => new Comparison(field, Operator.Ne, Scalar.Parse(p.Value, field)),
                "$gt" => new Comparison(field, Operator.Gt, Ordered(p.Value, field, p.Name)),
                "$gte" => new Comparison(field, Operator.Gte, Ordered(p.Value, field, p.Name)),
                "$lt" => new Comparison(field, Operator.Lt, Ordered(p.Value, field, p.Name)),
                "$lte" => new Comparison(field, Operator.Lte, Ordered(p.Value, field, p.Name)),
                "$in" or "$nin" => p.Value.ValueKind == JsonValueKind.Array
                    ? new Membership(field, [.. p.Value.EnumerateArray().Select(x => Scalar.Parse(x, field))], p.Name == "$nin")
                    : throw new InvalidSettingException(Setting, $"{field}: {p.Name} takes an array of values"),
                "$exists" => p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? new Presence(field, p.Value.ValueKind == JsonValueKind.True)
                    : throw new InvalidSettingException(Setting, $"{field}: $exists takes true or false"),
                _ => throw new InvalidSettingException(Setting, $"{field}: '{p.Name}' is not an operator (use $eq $ne $gt $gte $lt $lte $in $nin $exists)"),
            });
        }
        return parts.Count == 1 ? parts[0] : new AllOf(parts);
    }

    static Scalar Ordered(JsonElement value, string field, string op)
    {
        var s = Scalar.Parse(value, field);
        return s.Number is not null || s.Instant is not null ? s
            : throw new InvalidSettingException(Setting, $"{field}: {op} compares numbers or ISO-8601 dates, not {value.GetRawText()}");
    }

    /// <summary>The values of <paramref name="field"/> (a dotted path) in <paramref name="metadata"/>: none when missing, each element of an array.</summary>
    private protected static IEnumerable<JsonElement> Values(JsonElement metadata, string field)
    {
        var current = metadata;
        if (current.ValueKind != JsonValueKind.Object)
            yield break;
        if (current.TryGetProperty(field, out var whole))
            current = whole;
        else
        {
            foreach (var part in field.Split('.'))
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
                    yield break;
        }
        if (current.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in current.EnumerateArray())
                yield return item;
        }
        else
            yield return current;
    }

    /// <summary>The value of <paramref name="field"/> as it is (an array not taken apart), or null when missing.</summary>
    private protected static JsonElement? Whole(JsonElement metadata, string field)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
            return null;
        if (metadata.TryGetProperty(field, out var whole))
            return whole;
        var current = metadata;
        foreach (var part in field.Split('.'))
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
                return null;
        return current;
    }

    private protected enum Operator { Eq, Ne, Gt, Gte, Lt, Lte }

    /// <summary>A JSON scalar of a filter, with its number and instant where it is one.</summary>
    private protected sealed record Scalar(JsonValueKind Kind, string? Text, double? Number, DateTimeOffset? Instant)
    {
        /// <summary>An array value's elements: equality with it is MongoDB's exact-array match (the same elements in the same order).</summary>
        public Scalar[]? Items { get; init; }

        /// <summary>A number's exact value, where it has one as a decimal (integers of any 64-bit type, decimals, JSON numbers in range).</summary>
        public decimal? Exact { get; init; }

        public static Scalar From(object? value) => value switch
        {
            null => new(JsonValueKind.Null, null, null, null),
            System.Collections.IEnumerable items and not string => new(JsonValueKind.Array, null, null, null) { Items = [.. items.Cast<object?>().Select(From)] },
            bool b => new(b ? JsonValueKind.True : JsonValueKind.False, null, null, null),
            string s => new(JsonValueKind.String, s, null, Date(s)),
            DateTimeOffset d => new(JsonValueKind.String, d.ToString("O", CultureInfo.InvariantCulture), null, d),
            DateTime d => From(new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d)),
            DateOnly d => From(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            sbyte or byte or short or ushort or int or uint or long or ulong or decimal =>
                new(JsonValueKind.Number, null, Convert.ToDouble(value, CultureInfo.InvariantCulture), null) { Exact = Convert.ToDecimal(value, CultureInfo.InvariantCulture) },
            float or double => new(JsonValueKind.Number, null, Convert.ToDouble(value, CultureInfo.InvariantCulture), null),
            _ => throw new InvalidSettingException(Setting, $"a filter value is a string, number, bool, date or null, not {value.GetType().Name}"),
        };

        public static Scalar Parse(JsonElement e, string field) => e.ValueKind switch
        {
            JsonValueKind.Array => new(JsonValueKind.Array, null, null, null) { Items = [.. e.EnumerateArray().Select((x, i) => Parse(x, $"{field}[{i}]"))] },
            JsonValueKind.String => From(e.GetString()),
            JsonValueKind.Number => new(JsonValueKind.Number, null, e.GetDouble(), null) { Exact = e.TryGetDecimal(out var exact) ? exact : null },
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => new(e.ValueKind, null, null, null),
            _ => throw new InvalidSettingException(Setting, $"{field}: {e.GetRawText()} is not a value to compare with (a string, number, bool or null)"),
        };

        static DateTimeOffset? Date(string s) =>
            s.Length >= 10 && char.IsAsciiDigit(s[0]) && s[4] == '-'
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

        public bool Equal(JsonElement v) => Kind switch
        {
            JsonValueKind.Array => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == Items!.Length
                && v.EnumerateArray().Select((x, i) => Items[i].Equal(x)).All(same => same),
            JsonValueKind.String => v.ValueKind == JsonValueKind.String && v.GetString() == Text,
            JsonValueKind.Number => v.ValueKind == JsonValueKind.Number && CompareNumber(v) == 0,
            _ => v.ValueKind == Kind,
        };

        /// <summary>
        /// A JSON number against this one: as decimals where both are (integers past 2^53, such as
        /// 64-bit keys, stay distinct), as doubles otherwise.
        /// </summary>
        int CompareNumber(JsonElement v) =>
            Exact is { } exact && v.TryGetDecimal(out var d) ? d.CompareTo(exact) : v.GetDouble().CompareTo(Number!.Value);

        /// <summary>The order of <paramref name="v"/> against this value, or null when they do not compare.</summary>
        public int? Order(JsonElement v)
        {
            if (Number is not null)
                return v.ValueKind == JsonValueKind.Number ? CompareNumber(v) : null;
            if (Instant is { } i && v.ValueKind == JsonValueKind.String && Date(v.GetString()!) is { } d)
                return d.CompareTo(i);
            return null;
        }
    }

    private protected sealed record Comparison(string Field, Operator Op, Scalar Value) : Filter
    {
        public override bool Matches(JsonElement metadata)
        {
            if (Value.Kind == JsonValueKind.Array)
                return Whole(metadata, Field) is { } whole && Value.Equal(whole) != (Op == Operator.Ne) || (Op == Operator.Ne && Whole(metadata, Field) is null);
            if (Op == Operator.Ne)
                return !Values(metadata, Field).Any(Value.Equal);
            foreach (var v in Values(metadata, Field))
            {
                bool hit = Op switch
                {
                    Operator.Eq => Value.Equal(v),
                    _ => Value.Order(v) is { } order && Op switch { Operator.Gt => order > 0, Operator.Gte => order >= 0, Operator.Lt => order < 0, _ => order <= 0 },
                };
                if (hit)
                    return true;
            }
            return false;
        }
    }

    private protected sealed record Membership(string Field, Scalar[] Set, bool Negated) : Filter
    {
        public override bool Matches(JsonElement metadata) => Values(metadata, Field).Any(v => Set.Any(s => s.Equal(v))) != Negated;
    }

    private protected sealed record Presence(string Field, bool Present) : Filter
    {
        public override bool Matches(JsonElement metadata) => Values(metadata, Field).Any() == Present;
    }

    private protected sealed record AllOf(List<Filter> Parts) : Filter
    {
        public override bool Matches(JsonElement metadata) => Parts.TrueForAll(p => p.Matches(metadata));
    }

    private protected sealed record AnyOf(List<Filter> Parts) : Filter
    {
        public override bool Matches(JsonElement metadata) => Parts.Exists(p => p.Matches(metadata));
    }

    private protected sealed record Negation(Filter Inner) : Filter
    {
        public override bool Matches(JsonElement metadata) => !Inner.Matches(metadata);
    }
}
