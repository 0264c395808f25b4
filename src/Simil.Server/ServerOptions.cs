namespace Simil.Server;

/// <summary>What <c>simil serve</c> was asked for (<c>docs/serve.md</c>); checked by <see cref="Check"/> before anything listens.</summary>
public sealed class ServerOptions
{
    /// <summary>Collection folders, index files, or folders holding those (one level down).</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>The address to listen on; loopback unless given.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port (Qdrant's, 6333, by default; 0 picks a free one).</summary>
    public int Port { get; init; } = 6333;

    /// <summary>The key every request but <c>/healthz</c> must carry; required off loopback unless <see cref="Insecure"/>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Listen off loopback without a key (said out loud).</summary>
    public bool Insecure { get; init; }

    /// <summary>Refuse every write (403).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The one origin allowed cross-origin requests; none when null.</summary>
    public string? CorsOrigin { get; init; }

    /// <summary>The largest request body, in bytes (413 past it).</summary>
    public long MaxBodyBytes { get; init; } = 32L << 20;

    /// <summary>The most neighbours or candidates a search may ask for (k, ef).</summary>
    public int MaxK { get; init; } = 10_000;

    /// <summary>The most rows, ids or texts in one write or embed.</summary>
    public int MaxBatch { get; init; } = 10_000;

    /// <summary>The longest a request may run before it is cancelled (503).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>True for 127.0.0.1, ::1 and localhost.</summary>
    public bool IsLoopback => Host is "127.0.0.1" or "::1" or "[::1]" or "localhost";

    /// <summary>Refuses settings that would be unsafe or make no sense.</summary>
    /// <exception cref="InputException">The flag and why.</exception>
    public void Check()
    {
        if (!IsLoopback && string.IsNullOrEmpty(ApiKey) && !Insecure)
            throw new InputException("--host", $"{Host} is reachable from other machines: give --api-key KEY (or SIMIL_API_KEY), or --insecure to serve without one");
        if (ApiKey is { Length: < 16 })
            throw new InputException("--api-key", "is shorter than 16 characters; use a long random key");
        if (Port is < 0 or > 65535)
            throw new InputException("--port", $"{Port} is not a port (0–65535)");
        if (CorsOrigin is { } origin && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/"))
            throw new InputException("--cors", $"'{origin}' is not an origin such as https://app.example.com");
    }
}
