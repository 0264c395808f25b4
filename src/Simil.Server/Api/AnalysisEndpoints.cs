using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Simil.Analysis;
using Simil.Collections;

namespace Simil.Server.Api;

/// <summary>
/// What the explorer page shows beyond search: <c>simil advise</c> on a collection's rows, and a
/// 2-D map of them (<see cref="Projection.Pca"/>), both on a fixed-seed sample of the live rows.
/// </summary>
static class AnalysisEndpoints
{
    /// <summary>The most rows a map or an advice measures.</summary>
    public const int MaxSample = 20_000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/collections").WithTags("Analysis");
        api.MapPost("/{name}/advise", Advise).Accepts<AdviseRequest>("application/json");
        api.MapPost("/{name}/map", MapRows).Accepts<MapRequest>("application/json").Produces<MapResponse>();
    }

    /// <summary>A fixed-seed sample of at most <paramref name="limit"/> live rows, in id order within the sample.</summary>
    static List<CollectionRow> Sample(Collection collection, int limit, IEnumerable<string> include)
    {
        var ids = collection.Ids().ToList();
        if (ids.Count > limit)
        {
            var random = new Random(42);
            for (int i = 0; i < limit; i++)
            {
                int j = random.Next(i, ids.Count);
                (ids[i], ids[j]) = (ids[j], ids[i]);
            }
            ids.RemoveRange(limit, ids.Count - limit);
        }
        var chosen = new HashSet<string>(ids, StringComparer.Ordinal);
        ids.AddRange(include.Where(chosen.Add));
        return [.. ids.Select(collection.Get).OfType<CollectionRow>()];
    }

    static EmbeddingMatrix Matrix(List<CollectionRow> rows, int dimensions)
    {
        var data = new float[(long)rows.Count * dimensions];
        for (int i = 0; i < rows.Count; i++)
            rows[i].Vector.CopyTo(data, (long)i * dimensions);
        return EmbeddingMatrix.Create(data, dimensions, [.. rows.Select(r => r.Id)]);
    }

    static JsonElement? Field(string? metadata, string? field)
    {
        if (field is null || string.IsNullOrEmpty(metadata))
            return null;
        using var document = JsonDocument.Parse(metadata);
        var e = document.RootElement;
        foreach (var part in field.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out e))
                return null;
        }
        return e.Clone();
    }

    /// <summary>The top-level metadata fields of the rows (to colour or label by), in the order first seen.</summary>
    static List<string> Fields(List<CollectionRow> rows)
    {
        var fields = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (string.IsNullOrEmpty(row.Metadata))
                continue;
            using var document = JsonDocument.Parse(row.Metadata);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                fields.AddRange(document.RootElement.EnumerateObject().Select(p => p.Name).Where(seen.Add));
        }
        return fields;
    }

    static async Task<IResult> Advise(string name, HttpContext context, CollectionRegistry registry)
    {
        var request = await Body.Read(context, ServerJson.Relaxed.AdviseRequest);
        if (request.Sample < 3 || request.Sample > MaxSample)
            throw new LimitException($"sample: {request.Sample} is outside 3..{MaxSample}");
        using var snapshot = registry.Read(name);
        var collection = snapshot.Collection;
        var rows = Sample(collection, request.Sample, []);
        if (rows.Count < 3)
            throw new InputException(name, $"advice needs at least 3 rows; the collection has {rows.Count}");
        List<string>? labels = null;
        if (request.LabelField is { } field)
        {
            labels = [.. rows.Select(r => Field(r.Metadata, field) is { } v ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()) : "")];
            if (labels.All(l => l.Length == 0))
                throw new InputException(name, $"no sampled row has the metadata field '{field}' to use as a label");
        }
        var matrix = Matrix(rows, collection.Dimensions);
        var advice = Advice.Analyze(matrix, labels, request.Sample);
        // The lengths' histogram beside the advice, for the page's plot (as simil advise --plot draws it).
        var lengths = Enumerable.Range(0, matrix.Count).Select(i => Math.Sqrt(Similarity.Dot(matrix[i], matrix[i]))).ToArray();
        double min = lengths.Min(), max = lengths.Max();
        const int bins = 30;
        var counts = new int[bins];
        foreach (double l in lengths)
            counts[max > min ? Math.Min(bins - 1, (int)((l - min) / (max - min) * bins)) : 0]++;
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("advice");
            AdviceJson.Write(w, advice);
            w.WriteStartObject("lengths");
            w.WriteNumber("min", min);
            w.WriteNumber("max", max);
            w.WriteStartArray("counts");
            foreach (int c in counts)
                w.WriteNumberValue(c);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    static async Task<IResult> MapRows(string name, HttpContext context, CollectionRegistry registry)
    {
        var request = await Body.Read(context, ServerJson.Relaxed.MapRequest);
        int most = request.Vectors ? 5_000 : MaxSample;
        if (request.Limit < 2 || request.Limit > most)
            throw new LimitException($"limit: {request.Limit} is outside 2..{most}{(request.Vectors ? " when the vectors are sent" : "")}");
        if (request.K < 1 || request.K > 1_000)
            throw new LimitException($"k: {request.K} is outside 1..1000");
        using var snapshot = registry.Read(name);
        var collection = snapshot.Collection;
        float[]? query = CollectionEndpoints.Resolve(registry, name, collection, request.Query, request.Vector, context.RequestAborted);
        var neighbours = query is null ? [] : collection.Search(query, request.K).Select(h => h.Id).ToList();
        var rows = Sample(collection, request.Limit, neighbours);
        if (rows.Count < 2)
            throw new InputException(name, $"a map needs at least 2 rows; the collection has {rows.Count}");
        var pca = Projection.Pca(Matrix(rows, collection.Dimensions));
        var marked = new HashSet<string>(neighbours, StringComparer.Ordinal);
        var points = rows.Select(r =>
        {
            var xy = pca.Project(r.Vector);
            return new MapPoint(r.Id, xy[0], xy[1], Math.Sqrt(Similarity.Dot(r.Vector, r.Vector)), r.Text, Field(r.Metadata, request.Field), marked.Contains(r.Id),
                request.Vectors ? r.Vector : null);
        }).ToList();
        MapPoint? at = null;
        if (query is not null)
        {
            var xy = pca.Project(query);
            at = new MapPoint("query", xy[0], xy[1], Math.Sqrt(Similarity.Dot(query, query)), request.Query, null, false, request.Vectors ? query : null);
        }
        return Results.Json(new MapResponse(name, collection.Count, rows.Count, [.. pca.Explained], points, at, neighbours, collection.Metric.Name(), Fields(rows)),
            ServerJson.Relaxed.MapResponse);
    }
}
