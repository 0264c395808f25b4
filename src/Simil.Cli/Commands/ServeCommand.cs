using System.CommandLine;
using Simil.Server;

namespace Simil.Cli.Commands;

/// <summary><c>simil serve [PATH…]</c>: collections and index files over HTTP (<c>docs/serve.md</c>); the server is <c>Simil.Server</c>.</summary>
static class ServeCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Collection folders, .simil index files, or folders holding them.", Arity = ArgumentArity.ZeroOrMore };
        var host = new Option<string>("--host") { Description = "The address to listen on (loopback unless given; any other needs --api-key or --insecure).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "The port (Qdrant's 6333 by default; 0 picks a free one).", DefaultValueFactory = _ => 6333 };
        var apiKey = new Option<string?>("--api-key") { Description = "The key every request but /healthz must carry (api-key header or Authorization: Bearer); default SIMIL_API_KEY." };
        var insecure = new Option<bool>("--insecure") { Description = "Listen off loopback without a key." };
        var readOnly = new Option<bool>("--read-only") { Description = "Refuse every write (403)." };
        var cors = new Option<string?>("--cors") { Description = "The one origin allowed cross-origin requests (none by default), e.g. https://app.example.com." };
        var command = new Command("serve", """
            Serve collections and index files over HTTP: Simil's API (search, explain, get, upsert, delete, compact, advise, map,
            compare, embed), Qdrant's REST dialect for its clients, the explorer page at /, /healthz, /metrics (Prometheus),
            /openapi.json and /reference/. New collections (Qdrant's create) go into the first folder given. Loopback only by
            default; errors carry the message the CLI prints. Ctrl+C or SIGTERM lets requests in flight finish, then exits.
            See docs/serve.md.
            """)
        {
            paths, host, port, apiKey, insecure, readOnly, cors,
        };
        command.SetAction(async (parse, token) =>
        {
            var options = new ServerOptions
            {
                Paths = parse.GetValue(paths) ?? [],
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                ApiKey = parse.GetValue(apiKey) ?? (Environment.GetEnvironmentVariable("SIMIL_API_KEY") is { Length: > 0 } key ? key : null),
                Insecure = parse.GetValue(insecure),
                ReadOnly = parse.GetValue(readOnly),
                CorsOrigin = parse.GetValue(cors),
            };
            await SimilServer.Run(options, urls => Console.Out.WriteLine($"simil serve: listening on {urls}"), token);
            return Cli.Ok;
        });
        return command;
    }
}
