using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Simil.Server.Api;

/// <summary>
/// The explorer page (<c>docs/serve.md</c>): <c>GET /</c> answers the page to a browser (a request
/// that accepts HTML) and the JSON version document to everyone else (Qdrant's clients); the page's
/// script, style and libraries come from the assembly's resources under <c>/explorer/</c>.
/// </summary>
static class ExplorerEndpoints
{
    const string Policy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static void Map(IEndpointRouteBuilder app, Func<IResult> version)
    {
        app.MapGet("/", (HttpContext context) =>
            context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase)) ? Asset(context, "index.html") : version());
        app.MapGet("/explorer/{**file}", (HttpContext context, string file) => Asset(context, file)).ExcludeFromDescription();
    }

    static IResult Asset(HttpContext context, string file)
    {
        var stream = typeof(ExplorerEndpoints).Assembly.GetManifestResourceStream($"explorer/{file}");
        if (stream is null)
            return Results.NotFound();
        context.Response.Headers.ContentSecurityPolicy = Policy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        string type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".md" => "text/plain; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }
}
