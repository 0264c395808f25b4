using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;
using Simil.Server.Api;

namespace Simil.Server;

/// <summary>
/// The HTTP server of <c>simil serve</c> (<c>docs/serve.md</c>): Kestrel and minimal APIs,
/// source-generated JSON (Native AOT), safe by default.
/// </summary>
public static class SimilServer
{
    /// <summary>Builds the application for <paramref name="options"/> (checked first); <see cref="Run"/> runs it.</summary>
    /// <exception cref="InputException">A setting or path is refused.</exception>
    public static WebApplication Build(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        var registry = new CollectionRegistry(options.Paths);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.AddServerHeader = false;
            if (options.Host == "localhost")
                kestrel.ListenLocalhost(options.Port);
            else
                kestrel.Listen(IPAddress.Parse(options.Host.Trim('[', ']')), options.Port);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJson.Default));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<Metrics>();
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = options.RequestTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        });
        builder.Services.AddOpenApi();
        if (options.CorsOrigin is { } origin)
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins(origin.TrimEnd('/')).AllowAnyHeader().AllowAnyMethod()));

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<Metrics>();
        // Outermost: every answer is counted and timed; every failure becomes a problem document.
        app.Use(async (context, next) =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await next(context);
                // What routing refused before any handler ran: a problem document too.
                int status = context.Response.StatusCode;
                if (status >= 400 && !context.Response.HasStarted)
                    await Problems.Write(context, status, status switch { 404 => "not-found", 405 => "method", 415 => "media-type", _ => "bad-request" }, status switch
                    {
                        404 => $"no endpoint at {context.Request.Method} {context.Request.Path}",
                        405 => $"{context.Request.Method} is not a method of {context.Request.Path}",
                        415 => $"{context.Request.Path} takes a JSON body (Content-Type: application/json)",
                        _ => $"{context.Request.Method} {context.Request.Path} was refused",
                    });
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                var (status, kind) = Problems.Classify(e);
                if (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
                    (status, kind) = (503, "timeout");
                await Problems.Write(context, status, kind, Problems.Detail(e, status));
            }
            finally
            {
                string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(none)";
                metrics.Record(context.Request.Method, route, context.Response.StatusCode, clock.Elapsed.TotalSeconds);
            }
        });
        if (options.CorsOrigin is not null)
            app.UseCors();
        if (options.ApiKey is { } key)
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            app.Use((context, next) =>
            {
                if (context.Request.Path == "/healthz" || (context.Request.Method == "OPTIONS" && options.CorsOrigin is not null))
                    return next(context);
                string? given = context.Request.Headers["api-key"].FirstOrDefault();
                if (given is null && context.Request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal))
                    given = auth["Bearer ".Length..];
                // Digests of equal length, compared in constant time: neither the key nor its length leaks.
                if (given is null || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expected))
                    throw new UnauthorizedException();
                return next(context);
            });
        }
        app.UseRequestTimeouts();

        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/metrics", (Metrics m, CollectionRegistry r) => Results.Text(m.Render(r.Count), "text/plain; version=0.0.4"));
        ExplorerEndpoints.Map(app, () => Results.Json(new VersionResponse("simil", Qdrant.QdrantEndpoints.ApiVersion, Version), ServerJson.Relaxed.VersionResponse));
        app.MapOpenApi("/openapi.json");
        // The reference page reads /openapi.json; its script comes from the package. Nothing that calls
        // out to another service (the AI agent, telemetry, the developer toolbar, the client "deploy" button, fonts from its CDN).
        app.MapScalarApiReference("/reference", reference => reference.WithTitle("Simil API").WithOpenApiRoutePattern("/openapi.json")
            .DisableAgent().DisableTelemetry().HideDeveloperTools().HideClientButton().DisableDefaultFonts());
        CollectionEndpoints.Map(app);
        ToolEndpoints.Map(app);
        AnalysisEndpoints.Map(app);
        Qdrant.QdrantEndpoints.Map(app);
        app.Lifetime.ApplicationStopped.Register(registry.Dispose);
        return app;
    }

    /// <summary>The tool's version, as <c>GET /</c> reports it.</summary>
    public static string Version { get; } =
        typeof(SimilServer).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Runs until SIGTERM or Ctrl+C (requests in flight finish first); <paramref name="started"/> is told the address once it listens.</summary>
    public static async Task Run(ServerOptions options, Action<string>? started = null, CancellationToken token = default)
    {
        await using var app = Build(options);
        await app.StartAsync(token).ConfigureAwait(false);
        started?.Invoke(string.Join(", ", app.Urls));
        await app.WaitForShutdownAsync(token).ConfigureAwait(false);
    }
}
