using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Simil.Collections;
using Simil.Filters;
using Simil.IO;

namespace Simil.Server.Api;

/// <summary>
/// Simil's own collection API (<c>docs/serve.md</c>): list, describe, search, get, upsert, delete,
/// compact — each the library's call (<see cref="Collection"/>, <see cref="CollectionWriter"/>), not a
/// second implementation.
/// </summary>
static class CollectionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/collections").WithTags("Collections");
        api.MapGet("", List).Produces<CollectionList>();
        api.MapGet("/{name}", Describe).Produces<CollectionInfo>();
        api.MapPost("/{name}/search", Search).Accepts<SearchRequest>("application/json").Produces<SearchResponse>();
        api.MapPost("/{name}/explain", Explain).Accepts<ExplainRequest>("application/json").Produces<ExplainResponse>();
        api.MapGet("/{name}/rows/{id}", GetRow).Produces<RowResponse>();
        api.MapPost("/{name}/upsert", Upsert).Accepts<UpsertRequest>("application/json").Produces<UpsertResponse>();
        api.MapPost("/{name}/delete", Delete).Accepts<DeleteRequest>("application/json").Produces<DeleteResponse>();
        api.MapPost("/{name}/compact", Compact).Produces<CompactResponse>();
    }

    static IResult List(CollectionRegistry registry) =>
        Results.Json(new CollectionList([.. registry.Names.Select(n => Info(registry, n))]), ServerJson.Relaxed.CollectionList);

    static IResult Describe(string name, CollectionRegistry registry) => Results.Json(Info(registry, name), ServerJson.Relaxed.CollectionInfo);

    static CollectionInfo Info(CollectionRegistry registry, string name)
    {
        using var snapshot = registry.Read(name);
        var c = snapshot.Collection;
        return new CollectionInfo(name, c.IsSingleFile ? "index" : "collection", c.Count, c.Deleted, c.Dimensions, c.Metric.Name(), c.Model, c.Segments.Count, c.LogRows);
    }

    static async Task<IResult> Search(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        var request = await Body.Read(context, ServerJson.Relaxed.SearchRequest);
        if (request.K < 1 || request.K > options.MaxK)
            throw new LimitException($"k: {request.K} is outside 1..{options.MaxK}");
        if (request.Ef is { } ef && (ef < 1 || ef > options.MaxK))
            throw new LimitException($"ef: {ef} is outside 1..{options.MaxK}");
        var filter = request.Filter is { } f ? Filter.Parse(f.GetRawText()) : null;
        using var snapshot = registry.Read(name);
        var collection = snapshot.Collection;
        float[] query = Resolve(registry, name, collection, request.Query, request.Vector, context.RequestAborted)
            ?? throw new InputException(name, "a search needs \"query\" (a text, an id or a literal) or \"vector\"");
        if (request.Oversample is { } o && (o < 1 || (long)o * request.K > options.MaxK * 100L))
            throw new LimitException($"oversample: {o} is outside 1..{options.MaxK * 100L / request.K}");
        var hits = collection.Search(query, request.K, filter, request.Ef, request.Exact, request.Oversample);
        return Results.Json(new SearchResponse(name, collection.Metric.Name(), [.. hits.Select(h => new SearchHit(h.Id, h.Score, Metadata(h.Metadata), h.Text))]),
            ServerJson.Relaxed.SearchResponse);
    }

    /// <summary>
    /// <c>simil explain</c> over HTTP: the top k under dot, cosine and l2sq side by side with each
    /// row's length (<see cref="Analysis.RankComparison"/> on the collection's live rows).
    /// </summary>
    static async Task<IResult> Explain(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        var request = await Body.Read(context, ServerJson.Relaxed.ExplainRequest);
        if (request.K < 1 || request.K > Math.Min(options.MaxK, 1_000))
            throw new LimitException($"k: {request.K} is outside 1..{Math.Min(options.MaxK, 1_000)}");
        using var snapshot = registry.Read(name);
        var collection = snapshot.Collection;
        float[] query = Resolve(registry, name, collection, request.Query, request.Vector, context.RequestAborted)
            ?? throw new InputException(name, "an explain needs \"query\" (a text, an id or a literal) or \"vector\"");
        var rows = collection.LiveRows();
        var comparison = Analysis.RankComparison.Explain(rows, query, request.K);
        return Results.Json(new ExplainResponse(request.K, comparison.QueryNorm,
            [.. comparison.Rows.Select(r => new ExplainRow(rows.Keys![r.Index], r.Norm, r.DotRank, r.CosineRank, r.L2SquaredRank, r.Moves,
                new ExplainScores(Similarity.Dot(rows[r.Index], query), Similarity.Cosine(rows[r.Index], query), Similarity.L2Squared(rows[r.Index], query)),
                collection.Get(rows.Keys![r.Index])?.Text))], comparison.Notes),
            ServerJson.Relaxed.ExplainResponse);
    }

    /// <summary>
    /// A request's <c>query</c> (<see cref="QueryVector"/>) or <c>vector</c> (not both; null when
    /// neither), checked against the collection's dimensions.
    /// </summary>
    internal static float[]? Resolve(CollectionRegistry registry, string name, Collection collection, string? query, float[]? vector, CancellationToken token)
    {
        float[]? resolved = (query, vector) switch
        {
            (null, null) => null,
            (null, { } v) => Body.Finite(v, "vector"),
            ({ } q, null) => QueryVector(registry, name, collection, q, token),
            _ => throw new InputException(name, "give \"query\" or \"vector\", not both"),
        };
        if (resolved is not null && resolved.Length != collection.Dimensions)
            throw new InputException(name, $"the query has {resolved.Length} dimensions but the rows have {collection.Dimensions}");
        return resolved;
    }

    /// <summary>As <c>simil search --query</c> takes it: a literal, an id of the collection, or a text embedded by the collection's model (the default where it records none).</summary>
    static float[] QueryVector(CollectionRegistry registry, string name, Collection collection, string query, CancellationToken token)
    {
        if (VectorLiteral.IsLiteral(query))
            return VectorLiteral.Parse(query, "the query");
        if (collection.Get(query) is { } row)
            return row.Vector;
        return Embed(registry, name, collection, query, token);
    }

    static float[] Embed(CollectionRegistry registry, string name, Collection collection, string text, CancellationToken token)
    {
        string model = collection.Model ?? Embeddings.EmbeddingModels.Default;
        int dimensions = Embeddings.EmbeddingModels.Dimensions(model);
        if (dimensions != collection.Dimensions)
            throw new InputException(name, $"'{Shorten(text)}' is not one of its ids, and as a text {model} would give {dimensions} dimensions, not its {collection.Dimensions}");
        return registry.Model(model).EmbedMatrix([text], null, token)[0].ToArray();
    }

    static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "…";

    static JsonElement? Metadata(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    static IResult GetRow(string name, string id, CollectionRegistry registry)
    {
        using var snapshot = registry.Read(name);
        var row = snapshot.Collection.Get(id) ?? throw new RowNotFoundException(name, id);
        return Results.Json(new RowResponse(row.Id, row.Vector, Metadata(row.Metadata), row.Text), ServerJson.Relaxed.RowResponse);
    }

    static async Task<IResult> Upsert(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        Body.Writable(options);
        var request = await Body.Read(context, ServerJson.Relaxed.UpsertRequest);
        if (request.Rows is null || request.Rows.Count == 0)
            throw new InputException(name, "an upsert needs \"rows\": [{\"id\": …, \"vector\": […] or \"text\": …, \"metadata\": {…}}]");
        if (request.Rows.Count > options.MaxBatch)
            throw new LimitException($"rows: {request.Rows.Count:N0} in one upsert; the server takes at most {options.MaxBatch:N0}");
        // Texts are embedded before the lock is taken, by the model the collection records.
        CollectionRow[] rows;
        using (var snapshot = registry.Read(name))
        {
            var collection = snapshot.Collection;
            rows = [.. request.Rows.Select(r =>
            {
                if (r is null || string.IsNullOrEmpty(r.Id))
                    throw new InputException(name, "every row needs a non-empty \"id\"");
                if (r.Metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
                    throw new InputException(name, $"the metadata of '{r.Id}' is not one JSON object");
                float[] vector = (r.Vector, r.Text) switch
                {
                    ({ } v, _) => Body.Finite(v, $"the vector of '{r.Id}'"),
                    (null, { } t) when collection.Model is not null => Embed(registry, name, collection, t, context.RequestAborted),
                    (null, { }) => throw new InputException(name, $"holds vectors (no model made them); give '{r.Id}' a \"vector\""),
                    _ => throw new InputException(name, $"'{r.Id}' needs a \"vector\" or a \"text\""),
                };
                return new CollectionRow(r.Id, vector, r.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : null, r.Text);
            })];
        }
        using var writer = registry.Write(name);
        int replaced = writer.Upsert(rows);
        return Results.Json(new UpsertResponse(rows.Length, replaced, writer.State.Count), ServerJson.Relaxed.UpsertResponse);
    }

    static async Task<IResult> Delete(string name, HttpContext context, CollectionRegistry registry, ServerOptions options)
    {
        Body.Writable(options);
        var request = await Body.Read(context, ServerJson.Relaxed.DeleteRequest);
        if ((request.Ids is { Count: > 0 }) == (request.Filter is not null))
            throw new InputException(name, "a delete needs exactly one of \"ids\" and \"filter\"");
        if (request.Ids is { } ids && ids.Count > options.MaxBatch)
            throw new LimitException($"ids: {ids.Count:N0} in one delete; the server takes at most {options.MaxBatch:N0}");
        var filter = request.Filter is { } f ? Filter.Parse(f.GetRawText()) : null;
        using var writer = registry.Write(name);
        int deleted = filter is null ? writer.Delete(request.Ids!) : writer.DeleteWhere(filter);
        return Results.Json(new DeleteResponse(deleted, writer.State.Count), ServerJson.Relaxed.DeleteResponse);
    }

    static IResult Compact(string name, CollectionRegistry registry, ServerOptions options, HttpContext context)
    {
        Body.Writable(options);
        using var writer = registry.Write(name);
        writer.Compact(context.RequestAborted);
        return Results.Json(new CompactResponse(writer.State.Segments.Count, writer.State.Count), ServerJson.Relaxed.CompactResponse);
    }
}
