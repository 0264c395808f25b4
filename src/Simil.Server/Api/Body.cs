using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Simil.Server.Api;

/// <summary>Reading a request's JSON body, strictly: JSON content only, unknown fields refused, numbers finite.</summary>
static class Body
{
    public static async Task<T> Read<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        if (context.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new InputException("the request", "needs a JSON body (Content-Type: application/json)");
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted).ConfigureAwait(false)
                ?? throw new InputException("the request", "has a null body; send a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException("the request body", $"is not the JSON this endpoint takes: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>The vector, once every value is finite.</summary>
    public static float[] Finite(float[] vector, string what)
    {
        if (vector.Length == 0)
            throw new InputException(what, "is empty");
        int bad = Array.FindIndex(vector, v => !float.IsFinite(v));
        return bad < 0 ? vector : throw new InputException(what, $"value {bad} is not a finite float32");
    }

    public static void Writable(ServerOptions options)
    {
        if (options.ReadOnly)
            throw new ReadOnlyException();
    }
}
