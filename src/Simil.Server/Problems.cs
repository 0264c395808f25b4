using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Simil.Server.Api;

namespace Simil.Server;

/// <summary>
/// Errors as RFC 9457 problem documents (<c>docs/serve.md</c>): the detail is the one-line message the
/// CLI prints for the same mistake; bad input is a 4xx, never a 500.
/// </summary>
static class Problems
{
    /// <summary>A failure thrown while serving a request: its status and kind.</summary>
    public static (int Status, string Kind) Classify(Exception e) => e switch
    {
        NotServedException => (404, "not-found"),
        RowNotFoundException => (404, "not-found"),
        InvalidNameException => (400, "invalid-name"),
        NameTakenException => (409, "conflict"),
        Qdrant.QdrantUnsupportedException => (400, "unsupported"),
        Qdrant.QdrantNotOfferedException => (404, "not-found"),
        UnauthorizedException => (401, "unauthorized"),
        ReadOnlyException => (403, "read-only"),
        LimitException l => (l.Status, "limit"),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413 ? "limit" : "bad-request"),
        JsonException => (400, "bad-json"),
        InvalidSettingException or InputException or ArgumentException or FormatException => (400, "bad-input"),
        OperationCanceledException => (503, "timeout"),
        _ => (500, "internal"),
    };

    /// <summary>The one-line detail: the library's message, or, for an unexpected failure, its type only.</summary>
    public static string Detail(Exception e, int status) =>
        status == 500 ? $"internal error: {e.GetType().Name}" :
        e is OperationCanceledException ? "the request ran past the server's time limit" :
        e is BadHttpRequestException { StatusCode: 413 } ? "the request body is larger than the server's limit" :
        e.Message.ReplaceLineEndings(" ");

    public static Task Write(HttpContext context, int status, string kind, string detail)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/collections", StringComparison.Ordinal))
        {
            // Qdrant's dialect answers errors in Qdrant's shape, which its clients read.
            context.Response.ContentType = "application/json";
            return JsonSerializer.SerializeAsync(context.Response.Body, new QdrantError(new QdrantErrorStatus(detail), 0), ServerJson.Relaxed.QdrantError);
        }
        context.Response.ContentType = "application/problem+json";
        var problem = new Problem($"https://simil.dev/problems/{kind}", Title(status), status, detail, context.Request.Path);
        return JsonSerializer.SerializeAsync(context.Response.Body, problem, ServerJson.Relaxed.Problem);
    }

    static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Request too large",
        415 => "Unsupported media type",
        503 => "Service unavailable",
        _ => "Internal error",
    };
}

/// <summary>A request without the server's key, or with another (401).</summary>
sealed class UnauthorizedException() : Exception("this server needs its API key: send it as the api-key header or Authorization: Bearer KEY");

/// <summary>A write to a server started with --read-only (403).</summary>
sealed class ReadOnlyException() : Exception("this server was started with --read-only; it changes nothing");

/// <summary>A request past one of the server's limits.</summary>
sealed class LimitException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>An id that is not in the collection (404).</summary>
sealed class RowNotFoundException(string collection, string id) : Exception($"{collection}: no row has the id '{id}'");
