using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Simil.Collections;
using Simil.Server.Api;

namespace Simil.Server.Qdrant;

/// <summary>
/// Qdrant's REST dialect (<c>docs/serve.md</c>): collections and points through the library's
/// <see cref="Collection"/> and <see cref="CollectionWriter"/>, answers in Qdrant's envelope, every
/// field this server does not offer refused by name.
/// </summary>
static class QdrantEndpoints
{
    /// <summary>The Qdrant API version this dialect follows (what <c>GET /</c> reports as <c>version</c>).</summary>
    public const string ApiVersion = "1.18.0";

    static readonly JsonWriterOptions Writing = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Map(IEndpointRouteBuilder app)
    {
        var q = app.MapGroup("/collections").ExcludeFromDescription();
        q.MapGet("", List);
        q.MapGet("/{name}", Describe);
        q.MapGet("/{name}/exists", Exists);
        q.MapPut("/{name}", Create);
        q.MapDelete("/{name}", Remove);
        q.MapPut("/{name}/points", Upsert);
        q.MapPost("/{name}/points", Retrieve);
        q.MapGet("/{name}/points/{id}", GetPoint);
        q.MapPost("/{name}/points/delete", Delete);
        q.MapPost("/{name}/points/search", Search);
        q.MapPost("/{name}/points/query", Query);
        q.MapPost("/{name}/points/scroll", Scroll);
        q.MapPost("/{name}/points/count", Count);
        // Everything else of Qdrant's API under /collections: 404 naming it (not a 405 from a near route).
        q.MapMethods("/{**rest}", ["GET", "POST", "PUT", "PATCH", "DELETE"], NotOffered);
    }

    static IResult NotOffered(HttpContext context) =>
        throw new QdrantNotOfferedException($"no endpoint at {context.Request.Method} {context.Request.Path}: this part of Qdrant's API is not offered (docs/serve.md lists what is)");

    /// <summary>Qdrant's envelope around what <paramref name="result"/> writes.</summary>
    static IResult Ok(long start, Action<Utf8JsonWriter> result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Writing))
        {
            w.WriteStartObject();
            w.WritePropertyName("result");
            result(w);
            w.WriteString("status", "ok");
            w.WriteNumber("time", Stopwatch.GetElapsedTime(start).TotalSeconds);
            w.WriteEndObject();
        }
        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    static IResult List(CollectionRegistry registry)
    {
        long start = Stopwatch.GetTimestamp();
        return Ok(start, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("collections");
            foreach (var name in registry.Names)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    static IResult Exists(string name, CollectionRegistry registry)
    {
        long start = Stopwatch.GetTimestamp();
        bool exists = registry.Contains(name);
        return Ok(start, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("exists", exists);
            w.WriteEndObject();
        });
    }

    /// <summary>Qdrant's distance for a metric, and whether its scores are distances (lower first).</summary>
    static string Distance(Metric metric) => metric switch
    {
        Metric.Cosine => "Cosine",
        Metric.Dot => "Dot",
        Metric.L2Squared or Metric.L2 => "Euclid",
        _ => metric.Name(),
    };

    /// <summary>Qdrant's score for the library's: the Euclidean distance where the collection keeps l2sq.</summary>
    static float Score(Metric metric, float score) => metric == Metric.L2Squared ? MathF.Sqrt(MathF.Max(0, score)) : score;

    static IResult Describe(string name, CollectionRegistry registry)
    {
        long start = Stopwatch.GetTimestamp();
        using var snapshot = registry.Read(name);
        var c = snapshot.Collection;
        var build = c.Manifest?.Build;
        return Ok(start, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "green");
            w.WriteString("optimizer_status", "ok");
            w.WriteNumber("indexed_vectors_count", c.Count);
            w.WriteNumber("points_count", c.Count);
            w.WriteNumber("segments_count", c.Segments.Count);
            w.WriteStartObject("config");
            w.WriteStartObject("params");
            w.WriteStartObject("vectors");
            w.WriteNumber("size", c.Dimensions);
            w.WriteString("distance", Distance(c.Metric));
            w.WriteEndObject();
            w.WriteNumber("shard_number", 1);
            w.WriteNumber("replication_factor", 1);
            w.WriteNumber("write_consistency_factor", 1);
            w.WriteBoolean("on_disk_payload", true);
            w.WriteEndObject();
            w.WriteStartObject("hnsw_config");
            w.WriteNumber("m", build is { Kind: VectorIndexKind.Flat } ? 0 : build?.M ?? 16);
            w.WriteNumber("ef_construct", build?.EfConstruction ?? 128);
            w.WriteNumber("full_scan_threshold", 10_000);
            w.WriteBoolean("on_disk", true);
            w.WriteEndObject();
            w.WriteStartObject("optimizer_config");
            w.WriteNumber("deleted_threshold", c.Manifest?.CompactDeleted ?? 0.2);
            w.WriteNumber("vacuum_min_vector_number", 0);
            w.WriteNumber("default_segment_number", 0);
            w.WriteNumber("indexing_threshold", c.Manifest?.FlushRows ?? 0);
            w.WriteNumber("flush_interval_sec", 0);
            w.WriteEndObject();
            w.WriteStartObject("wal_config");
            w.WriteNumber("wal_capacity_mb", 0);
            w.WriteNumber("wal_segments_ahead", 0);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("payload_schema");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    static async Task<IResult> Create(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        Body.Writable(options);
        var body = await Read(context);
        JsonElement? vectors = null, hnsw = null;
        foreach (var p in body.EnumerateObject())
        {
            switch (p.Name)
            {
                case "vectors":
                    vectors = p.Value;
                    break;
                case "hnsw_config":
                    hnsw = p.Value;
                    break;
                case "on_disk_payload" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    break; // a collection's files are always on disk, mapped
                case "shard_number" or "replication_factor" or "write_consistency_factor":
                    if (p.Value.ValueKind != JsonValueKind.Null && !(p.Value.TryGetInt32(out int n) && n == 1))
                        throw new QdrantUnsupportedException($"{p.Name}: this server is one node; only 1 is supported");
                    break;
                default:
                    Refuse(p, "a collection's creation");
                    break;
            }
        }
        if (vectors is not { ValueKind: JsonValueKind.Object } v)
            throw new QdrantUnsupportedException("vectors: a collection needs \"vectors\": {\"size\": N, \"distance\": \"Cosine\"}");
        if (!v.TryGetProperty("size", out var sizeValue))
            throw new QdrantUnsupportedException("vectors: named vectors (an object of names) are not supported; give {\"size\", \"distance\"}");
        int size = 0;
        string? distance = null;
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "size" when p.Value.TryGetInt32(out int s) && s > 0:
                    size = s;
                    break;
                case "distance" when p.Value.ValueKind == JsonValueKind.String:
                    distance = p.Value.GetString();
                    break;
                case "on_disk" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    break;
                case "datatype" when p.Value.ValueKind == JsonValueKind.Null || p.Value.GetString() == "float32":
                    break;
                case "hnsw_config":
                    hnsw = p.Value;
                    break;
                case "size":
                    throw new QdrantUnsupportedException($"vectors.size: {sizeValue.GetRawText()} is not a positive integer");
                default:
                    Refuse(p, "vectors");
                    break;
            }
        }
        var metric = distance switch
        {
            "Cosine" => Metric.Cosine,
            "Dot" => Metric.Dot,
            "Euclid" => Metric.L2Squared,
            null => throw new QdrantUnsupportedException("vectors.distance: give Cosine, Dot or Euclid"),
            _ => throw new QdrantUnsupportedException($"vectors.distance: {distance} is not supported (Cosine, Dot, Euclid)"),
        };
        int m = 16, efConstruct = 100;
        if (hnsw is { ValueKind: JsonValueKind.Object } h)
        {
            foreach (var p in h.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "m" when p.Value.TryGetInt32(out int value) && value >= 0:
                        m = value;
                        break;
                    case "ef_construct" when p.Value.TryGetInt32(out int value) && value > 0:
                        efConstruct = value;
                        break;
                    case "on_disk" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                        break;
                    default:
                        Refuse(p, "hnsw_config");
                        break;
                }
            }
        }
        else if (hnsw is { ValueKind: not JsonValueKind.Null })
            throw new QdrantUnsupportedException("hnsw_config: an object with m and ef_construct");
        var build = m == 0
            ? new IndexBuildOptions { Metric = metric, Kind = VectorIndexKind.Flat }
            : new IndexBuildOptions { Metric = metric, Kind = VectorIndexKind.Hnsw, M = m, EfConstruction = efConstruct };
        registry.Create(name, size, build);
        return Ok(start, w => w.WriteBooleanValue(true));
    }

    static IResult Remove(string name, CollectionRegistry registry, ServerOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        Body.Writable(options);
        bool served = registry.Contains(name);
        if (served)
            registry.Remove(name);
        return Ok(start, w => w.WriteBooleanValue(served));
    }

    /// <summary>A field this server does not take: 400, naming it.</summary>
    static void Refuse(JsonProperty p, string where)
    {
        if (p.Value.ValueKind == JsonValueKind.Null)
            return; // a client's unset optional field
        throw new QdrantUnsupportedException($"{where}: the field \"{p.Name}\" is not supported by this server (docs/serve.md lists what is)");
    }

    /// <summary>
    /// The fields of <paramref name="body"/> named in <paramref name="names"/> (a JSON null counts as
    /// absent, as a client's unset optional field); any other field with a value is refused by name.
    /// </summary>
    static Dictionary<string, JsonElement> Take(JsonElement body, string where, params string[] names)
    {
        var taken = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in body.EnumerateObject())
        {
            if (!names.Contains(p.Name, StringComparer.Ordinal))
                Refuse(p, where);
            else if (p.Value.ValueKind != JsonValueKind.Null)
                taken[p.Name] = p.Value;
        }
        return taken;
    }

    static JsonElement? Get(Dictionary<string, JsonElement> fields, string name) => fields.TryGetValue(name, out var value) ? value : null;

    static async Task<JsonElement> Read(HttpContext context)
    {
        if (context.Request.ContentLength == 0 || context.Request.ContentType is null)
            throw new InputException("the request", "needs a JSON body (Content-Type: application/json)");
        if (!context.Request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new InputException("the request", "needs a JSON body (Content-Type: application/json)");
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new InputException("the request body", "is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException("the request body", $"is not JSON: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>What a read asks to see of each point.</summary>
    sealed record Shown(bool Payload, string[]? Fields, bool Vector);

    static Shown ShownFrom(JsonElement? withPayload, JsonElement? withVector, bool payloadByDefault)
    {
        bool payload = payloadByDefault;
        string[]? fields = null;
        switch (withPayload)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                break;
            case { ValueKind: JsonValueKind.True or JsonValueKind.False } b:
                payload = b.ValueKind == JsonValueKind.True;
                break;
            case { ValueKind: JsonValueKind.Array } list when list.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String):
                payload = true;
                fields = [.. list.EnumerateArray().Select(x => x.GetString()!)];
                break;
            default:
                throw new QdrantUnsupportedException("with_payload: true, false or a list of field names ({include, exclude} is not supported)");
        }
        bool vector = withVector switch
        {
            null or { ValueKind: JsonValueKind.Null or JsonValueKind.False } => false,
            { ValueKind: JsonValueKind.True } => true,
            _ => throw new QdrantUnsupportedException("with_vector: true or false (named vectors are not supported)"),
        };
        return new Shown(payload, fields, vector);
    }

    static void WritePayload(Utf8JsonWriter w, string? metadata, Shown shown)
    {
        w.WritePropertyName("payload");
        if (!shown.Payload)
        {
            w.WriteNullValue();
            return;
        }
        if (string.IsNullOrEmpty(metadata))
        {
            w.WriteStartObject();
            w.WriteEndObject();
            return;
        }
        using var document = JsonDocument.Parse(metadata);
        if (shown.Fields is null)
        {
            document.RootElement.WriteTo(w);
            return;
        }
        w.WriteStartObject();
        foreach (var p in document.RootElement.EnumerateObject())
            if (shown.Fields.Contains(p.Name, StringComparer.Ordinal))
                p.WriteTo(w);
        w.WriteEndObject();
    }

    static void WriteRecord(Utf8JsonWriter w, CollectionRow row, Shown shown)
    {
        w.WriteStartObject();
        w.WritePropertyName("id");
        QdrantIds.Write(w, row.Id);
        WritePayload(w, row.Metadata, shown);
        WriteVector(w, shown.Vector ? row.Vector : null);
        w.WriteEndObject();
    }

    static void WriteVector(Utf8JsonWriter w, float[]? vector)
    {
        w.WritePropertyName("vector");
        if (vector is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartArray();
        foreach (float x in vector)
            w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    static float[] Vector(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.Object)
            throw new QdrantUnsupportedException($"{where}: named or sparse vectors are not supported; give an array of numbers");
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw new QdrantUnsupportedException($"{where}: a vector is a non-empty array of numbers");
        var vector = new float[value.GetArrayLength()];
        int i = 0;
        foreach (var x in value.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetDouble(out double d) || !float.IsFinite((float)d))
                throw new InputException(where, $"value {i} is not a finite float32");
            vector[i++] = (float)d;
        }
        return vector;
    }

    static void CheckDimensions(Collection collection, string name, float[] vector, string where)
    {
        if (vector.Length != collection.Dimensions)
            throw new InputException(name, $"{where} has {vector.Length} dimensions but the collection's vectors have {collection.Dimensions}");
    }

    static async Task<IResult> Upsert(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        Body.Writable(options);
        var body = await Read(context);
        var rows = new List<CollectionRow>();
        foreach (var p in body.EnumerateObject())
        {
            switch (p.Name)
            {
                case "points" when p.Value.ValueKind == JsonValueKind.Array:
                    int i = 0;
                    foreach (var point in p.Value.EnumerateArray())
                        rows.Add(Point(point, $"points[{i++}]"));
                    break;
                case "batch" when p.Value.ValueKind == JsonValueKind.Object:
                    rows.AddRange(Batch(p.Value));
                    break;
                default:
                    Refuse(p, "an upsert");
                    break;
            }
        }
        if (rows.Count == 0)
            throw new InputException(name, "an upsert needs \"points\": [{\"id\", \"vector\", \"payload\"}] or \"batch\"");
        if (rows.Count > options.MaxBatch)
            throw new LimitException($"points: {rows.Count:N0} in one upsert; the server takes at most {options.MaxBatch:N0}");
        using (var snapshot = registry.Read(name))
            foreach (var row in rows)
                CheckDimensions(snapshot.Collection, name, row.Vector, $"the vector of point {row.Id}");
        using var writer = registry.Write(name);
        writer.Upsert(rows);
        long operation = writer.State.NextSequence;
        return Ok(start, w => Update(w, operation));
    }

    static void Update(Utf8JsonWriter w, long operation)
    {
        w.WriteStartObject();
        w.WriteNumber("operation_id", operation);
        w.WriteString("status", "completed");
        w.WriteEndObject();
    }

    static CollectionRow Point(JsonElement point, string where)
    {
        if (point.ValueKind != JsonValueKind.Object)
            throw new QdrantUnsupportedException($"{where}: a point is an object {{\"id\", \"vector\", \"payload\"}}");
        var fields = Take(point, where, "id", "vector", "payload");
        string? id = Get(fields, "id") is { } i ? QdrantIds.Parse(i, $"{where}.id") : null;
        float[]? vector = Get(fields, "vector") is { } v ? Vector(v, $"{where}.vector") : null;
        string? payload = Get(fields, "payload") is { } p ? Payload(p, $"{where}.payload") : null;
        return new CollectionRow(id ?? throw new QdrantUnsupportedException($"{where}: a point needs an \"id\""),
            vector ?? throw new QdrantUnsupportedException($"{where}: a point needs a \"vector\""), payload);
    }

    static string? Payload(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Object => value.GetRawText(),
        _ => throw new QdrantUnsupportedException($"{where}: a payload is a JSON object"),
    };

    static IEnumerable<CollectionRow> Batch(JsonElement batch)
    {
        var fields = Take(batch, "batch", "ids", "vectors", "payloads");
        JsonElement? ids = Get(fields, "ids"), vectors = Get(fields, "vectors"), payloads = Get(fields, "payloads");
        if (ids is not { ValueKind: JsonValueKind.Array } idList || vectors is not { ValueKind: JsonValueKind.Array } vectorList)
            throw new QdrantUnsupportedException("batch: needs \"ids\" and \"vectors\" as lists (named vectors are not supported)");
        var payloadList = payloads is { ValueKind: JsonValueKind.Array } pl ? pl.EnumerateArray().ToList() : null;
        if (vectorList.GetArrayLength() != idList.GetArrayLength() || (payloadList is not null && payloadList.Count != idList.GetArrayLength()))
            throw new QdrantUnsupportedException("batch: ids, vectors and payloads must be lists of one length");
        var v = vectorList.EnumerateArray().ToList();
        return [.. idList.EnumerateArray().Select((id, i) => new CollectionRow(
            QdrantIds.Parse(id, $"batch.ids[{i}]"), Vector(v[i], $"batch.vectors[{i}]"), payloadList is null ? null : Payload(payloadList[i], $"batch.payloads[{i}]")))];
    }

    static async Task<IResult> Retrieve(string name, HttpContext context, CollectionRegistry registry)
    {
        long start = Stopwatch.GetTimestamp();
        var body = await Read(context);
        var fields = Take(body, "a retrieve", "ids", "with_payload", "with_vector");
        JsonElement? ids = Get(fields, "ids"), withPayload = Get(fields, "with_payload"), withVector = Get(fields, "with_vector");
        if (ids is not { ValueKind: JsonValueKind.Array } list)
            throw new QdrantUnsupportedException("ids: a retrieve needs a list of point ids");
        var wanted = list.EnumerateArray().Select((id, i) => QdrantIds.Parse(id, $"ids[{i}]")).ToList();
        var shown = ShownFrom(withPayload, withVector, payloadByDefault: true);
        using var snapshot = registry.Read(name);
        var found = wanted.Select(snapshot.Collection.Get).OfType<CollectionRow>().ToList();
        return Ok(start, w =>
        {
            w.WriteStartArray();
            foreach (var row in found)
                WriteRecord(w, row, shown);
            w.WriteEndArray();
        });
    }

    static IResult GetPoint(string name, string id, CollectionRegistry registry)
    {
        long start = Stopwatch.GetTimestamp();
        string key = QdrantIds.Parse(id);
        using var snapshot = registry.Read(name);
        var row = snapshot.Collection.Get(key) ?? throw new RowNotFoundException(name, id);
        return Ok(start, w => WriteRecord(w, row, new Shown(true, null, true)));
    }

    static async Task<IResult> Delete(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        Body.Writable(options);
        var body = await Read(context);
        var fields = Take(body, "a delete", "points", "filter");
        JsonElement? filter = Get(fields, "filter");
        List<string>? ids = Get(fields, "points") switch
        {
            null => null,
            { ValueKind: JsonValueKind.Array } points => [.. points.EnumerateArray().Select((id, i) => QdrantIds.Parse(id, $"points[{i}]"))],
            _ => throw new QdrantUnsupportedException("points: a list of point ids"),
        };
        if ((ids is null) == (filter is null))
            throw new QdrantUnsupportedException("a delete needs one of \"points\" (a list of ids) and \"filter\"");
        if (ids is { Count: var n } && n > options.MaxBatch)
            throw new LimitException($"points: {n:N0} in one delete; the server takes at most {options.MaxBatch:N0}");
        var condition = QdrantFilter.Translate(filter);
        using var writer = registry.Write(name);
        if (ids is not null)
            writer.Delete(ids);
        else if (condition is not null)
            writer.DeleteWhere(condition);
        else
            writer.Delete([.. writer.State.Ids()]);
        long operation = writer.State.NextSequence;
        return Ok(start, w => Update(w, operation));
    }

    /// <summary>The settings of a search or a query, as read from its body.</summary>
    sealed class Nearest
    {
        public float[]? Vector { get; set; }
        public int Limit { get; set; } = 10;
        public int Offset { get; set; }
        public JsonElement? Filter { get; set; }
        public int? Ef { get; set; }
        public bool Exact { get; set; }
        public JsonElement? WithPayload { get; set; }
        public JsonElement? WithVector { get; set; }
        public float? Threshold { get; set; }
    }

    /// <summary>Reads the fields a search and a query share; false for a field that is not one of them.</summary>
    static bool ReadShared(JsonProperty p, Nearest n)
    {
        switch (p.Name)
        {
            case "limit" when p.Value.ValueKind == JsonValueKind.Null:
                return true;
            case "limit":
                n.Limit = p.Value.TryGetInt32(out int limit) ? limit : throw new QdrantUnsupportedException("limit: an integer");
                return true;
            case "offset" when p.Value.ValueKind == JsonValueKind.Null:
                return true;
            case "offset":
                n.Offset = p.Value.TryGetInt32(out int offset) && offset >= 0 ? offset : throw new QdrantUnsupportedException("offset: a non-negative integer");
                return true;
            case "filter":
                n.Filter = p.Value;
                return true;
            case "with_payload":
                n.WithPayload = p.Value;
                return true;
            case "with_vector":
                n.WithVector = p.Value;
                return true;
            case "score_threshold" when p.Value.ValueKind == JsonValueKind.Null:
                return true;
            case "score_threshold":
                n.Threshold = p.Value.TryGetDouble(out double t) && double.IsFinite(t) ? (float)t : throw new QdrantUnsupportedException("score_threshold: a number");
                return true;
            case "params" when p.Value.ValueKind == JsonValueKind.Null:
                return true;
            case "params" when p.Value.ValueKind == JsonValueKind.Object:
                foreach (var q in p.Value.EnumerateObject())
                {
                    switch (q.Name)
                    {
                        case "hnsw_ef" when q.Value.ValueKind == JsonValueKind.Null:
                            break;
                        case "hnsw_ef":
                            n.Ef = q.Value.TryGetInt32(out int ef) ? ef : throw new QdrantUnsupportedException("params.hnsw_ef: an integer");
                            break;
                        case "exact":
                            n.Exact = q.Value.ValueKind == JsonValueKind.True;
                            break;
                        case "indexed_only" when q.Value.ValueKind is JsonValueKind.False or JsonValueKind.Null:
                            break;
                        default:
                            Refuse(q, "params");
                            break;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    static List<(CollectionHit Hit, CollectionRow? Row)> Run(string name, Nearest n, Collection collection, ServerOptions options, Shown shown)
    {
        var vector = n.Vector!;
        CheckDimensions(collection, name, vector, "the query vector");
        if (n.Limit < 1 || n.Limit + n.Offset > options.MaxK)
            throw new LimitException($"limit: {n.Limit} (offset {n.Offset}) is outside 1..{options.MaxK}");
        if (n.Ef is { } ef && (ef < 1 || ef > options.MaxK))
            throw new LimitException($"params.hnsw_ef: {ef} is outside 1..{options.MaxK}");
        var filter = QdrantFilter.Translate(n.Filter);
        var hits = collection.Search(vector, n.Limit + n.Offset, filter, n.Ef is { } e ? Math.Max(e, n.Limit + n.Offset) : null, n.Exact);
        bool distance = collection.Metric is Metric.L2Squared or Metric.L2;
        return [.. hits.Skip(n.Offset)
            .Select(h => h with { Score = Score(collection.Metric, h.Score) })
            .Where(h => n.Threshold is not { } t || (distance ? h.Score <= t : h.Score >= t))
            .Select(h => (h, shown.Vector ? collection.Get(h.Id) : null))];
    }

    static void WriteScored(Utf8JsonWriter w, List<(CollectionHit Hit, CollectionRow? Row)> hits, Shown shown)
    {
        w.WriteStartArray();
        foreach (var (hit, row) in hits)
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            QdrantIds.Write(w, hit.Id);
            w.WriteNumber("version", 0);
            w.WriteNumber("score", hit.Score);
            WritePayload(w, hit.Metadata, shown);
            WriteVector(w, row?.Vector);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static Task<IResult> Search(string name, HttpContext context, CollectionRegistry registry, ServerOptions options) =>
        Nearby(name, context, registry, options, "a search", "vector", v => Vector(v, "vector"), "vector: a search needs a vector", points => points);

    static Task<IResult> Query(string name, HttpContext context, CollectionRegistry registry, ServerOptions options) =>
        Nearby(name, context, registry, options, "a query", "query", QueryVector,
            "query: this server needs a vector as the query (or {\"nearest\": vector})", points => w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("points");
                points(w);
                w.WriteEndObject();
            });

    static float[]? QueryVector(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => Vector(value, "query"),
        JsonValueKind.Object when value.TryGetProperty("nearest", out var nearest) && nearest.ValueKind == JsonValueKind.Array
            && value.EnumerateObject().Count() == 1 => Vector(nearest, "query.nearest"),
        JsonValueKind.Object => throw new QdrantUnsupportedException(
            $"query: {string.Join(", ", value.EnumerateObject().Select(x => x.Name))} is not supported; give a vector or {{\"nearest\": vector}}"),
        JsonValueKind.Null => null,
        _ => throw new QdrantUnsupportedException("query: a point id as the query is not supported; give a vector or {\"nearest\": vector}"),
    };

    /// <summary>A search or a query: the shared fields, the vector from <paramref name="field"/>, the scored points wrapped by <paramref name="wrap"/>.</summary>
    static async Task<IResult> Nearby(string name, HttpContext context, CollectionRegistry registry, ServerOptions options, string where, string field,
        Func<JsonElement, float[]?> vector, string missing, Func<Action<Utf8JsonWriter>, Action<Utf8JsonWriter>> wrap)
    {
        long start = Stopwatch.GetTimestamp();
        var body = await Read(context);
        var n = new Nearest();
        foreach (var p in body.EnumerateObject())
        {
            if (ReadShared(p, n))
                continue;
            if (p.Name == field)
                n.Vector = vector(p.Value);
            else
                Refuse(p, where);
        }
        if (n.Vector is null)
            throw new QdrantUnsupportedException(missing);
        var shown = ShownFrom(n.WithPayload, n.WithVector, payloadByDefault: false);
        using var snapshot = registry.Read(name);
        var hits = Run(name, n, snapshot.Collection, options, shown);
        return Ok(start, wrap(w => WriteScored(w, hits, shown)));
    }

    static async Task<IResult> Scroll(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        var body = await Read(context);
        var fields = Take(body, "a scroll", "limit", "offset", "filter", "with_payload", "with_vector");
        int limit = Get(fields, "limit") is not { } l ? 10 : l.TryGetInt32(out int n) ? n : throw new QdrantUnsupportedException("limit: an integer");
        string? offset = Get(fields, "offset") is { } o ? QdrantIds.Parse(o, "offset") : null;
        JsonElement? filter = Get(fields, "filter"), withPayload = Get(fields, "with_payload"), withVector = Get(fields, "with_vector");
        if (limit < 1 || limit > options.MaxK)
            throw new LimitException($"limit: {limit} is outside 1..{options.MaxK}");
        var shown = ShownFrom(withPayload, withVector, payloadByDefault: true);
        var condition = QdrantFilter.Translate(filter);
        using var snapshot = registry.Read(name);
        var collection = snapshot.Collection;
        var ids = collection.Ids(condition).Where(id => offset is null || QdrantIds.Compare(id, offset) >= 0).ToList();
        ids.Sort(QdrantIds.Compare);
        var page = ids.Take(limit).Select(collection.Get).OfType<CollectionRow>().ToList();
        string? next = ids.Count > limit ? ids[limit] : null;
        return Ok(start, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("points");
            foreach (var row in page)
                WriteRecord(w, row, shown);
            w.WriteEndArray();
            w.WritePropertyName("next_page_offset");
            if (next is null)
                w.WriteNullValue();
            else
                QdrantIds.Write(w, next);
            w.WriteEndObject();
        });
    }

    static async Task<IResult> Count(string name, HttpContext context, CollectionRegistry registry)
    {
        long start = Stopwatch.GetTimestamp();
        var body = context.Request.ContentLength is null or 0 && context.Request.ContentType is null ? default : await Read(context);
        // "exact" is taken and changes nothing: every count is exact.
        var fields = body.ValueKind == JsonValueKind.Object ? Take(body, "a count", "filter", "exact") : [];
        if (Get(fields, "exact") is { ValueKind: not (JsonValueKind.True or JsonValueKind.False) })
            throw new QdrantUnsupportedException("exact: true or false");
        JsonElement? filter = Get(fields, "filter");
        var condition = QdrantFilter.Translate(filter);
        using var snapshot = registry.Read(name);
        long count = condition is null ? snapshot.Collection.Count : snapshot.Collection.Ids(condition).LongCount();
        return Ok(start, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("count", count);
            w.WriteEndObject();
        });
    }
}
