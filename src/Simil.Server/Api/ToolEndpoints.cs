using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Simil.Server.Api;

/// <summary><c>POST /api/compare</c> and <c>POST /api/embed</c>: <c>simil compare</c> and <c>simil embed</c> over HTTP, the library's calls.</summary>
static class ToolEndpoints
{
    /// <summary>The texts one embed request may carry.</summary>
    public const int MaxTexts = 1_000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/compare", Compare).WithTags("Tools").Accepts<CompareRequest>("application/json").Produces<CompareResponse>();
        app.MapPost("/api/embed", Embed).WithTags("Tools").Accepts<EmbedRequest>("application/json").Produces<EmbedResponse>();
    }

    static async Task<IResult> Compare(HttpContext context, CollectionRegistry registry)
    {
        var request = await Body.Read(context, ServerJson.Relaxed.CompareRequest);
        string? model = null;
        float[] Input(JsonElement e, string which)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    model ??= request.Model ?? Embeddings.EmbeddingModels.Default;
                    return registry.Model(model).EmbedMatrix([e.GetString()!], null, context.RequestAborted)[0].ToArray();
                case JsonValueKind.Array:
                    var values = e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetSingle(out float f) ? f
                        : throw new InputException(which, $"{x.GetRawText()} is not a number")).ToArray();
                    return Body.Finite(values, which);
                default:
                    throw new InputException(which, "is a text or an array of numbers");
            }
        }
        var a = Input(request.A, "a");
        var b = Input(request.B, "b");
        if (a.Length != b.Length)
            throw new InputException("b", $"has {b.Length} dimensions but a has {a.Length}");
        var comparison = Analysis.PairComparison.Compare(a, b, Enum.GetValues<Metric>());
        var measures = comparison.Scores.ToDictionary(s => s.Metric.Name(), s => s.Score, StringComparer.Ordinal);
        return Results.Json(new CompareResponse(a.Length, model, measures, comparison.NormA, comparison.NormB, comparison.Notes), ServerJson.Relaxed.CompareResponse);
    }

    static async Task<IResult> Embed(HttpContext context, CollectionRegistry registry)
    {
        var request = await Body.Read(context, ServerJson.Relaxed.EmbedRequest);
        if (request.Texts is null || request.Texts.Count == 0)
            throw new InputException("texts", "give at least one text");
        if (request.Texts.Count > MaxTexts)
            throw new LimitException($"texts: {request.Texts.Count:N0} in one request; the server embeds at most {MaxTexts:N0}");
        if (request.Texts.Any(t => t is null))
            throw new InputException("texts", "a text is null");
        string model = request.Model ?? Embeddings.EmbeddingModels.Default;
        var vectors = registry.Model(model).EmbedMatrix(request.Texts, null, context.RequestAborted);
        return Results.Json(new EmbedResponse(model, vectors.Dimensions, [.. Enumerable.Range(0, vectors.Count).Select(i => vectors[i].ToArray())]),
            ServerJson.Relaxed.EmbedResponse);
    }
}
