using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace Simil.Testing;

/// <summary>
/// A hub-shaped HTTP server on loopback, serving repositories from local folders the way the
/// Hugging Face Hub does (issue 24's download tests): <c>/api/models/{repo}/revision/{rev}</c> gives
/// the commit and the file list; <c>/{repo}/resolve/{commit}/{path}</c> gives a git file with its
/// ETag, or for an LFS file (.onnx, .safetensors, .model) a 302 to <c>/cdn/…</c> on another host name with its SHA-256
/// in <c>X-Linked-Etag</c>; the CDN honours <c>Range</c>. A repository may require a token (401
/// without it); a file may be cut short once, or announced with a wrong checksum.
/// </summary>
sealed class HubServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Dictionary<string, (string Folder, string Sha, string? Token)> _repositories = new(StringComparer.Ordinal);
    readonly Task _loop;

    public HubServer()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Prefixes.Add($"http://localhost:{port}/");   // the CDN: another host name, as the hub's LFS redirects go to another host
        Cdn = $"http://localhost:{port}";
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    /// <summary>The server's address, for HF_ENDPOINT.</summary>
    public string Endpoint { get; }

    /// <summary>Where LFS files are redirected: the same server under another host name.</summary>
    public string Cdn { get; }

    /// <summary>Every request: its path, its Range header, whether it carried a bearer token.</summary>
    public ConcurrentQueue<(string Path, string? Range, bool Token)> Requests { get; } = new();

    /// <summary>CDN paths (<c>repo/file</c>) whose next whole-file answer stops halfway.</summary>
    public ConcurrentDictionary<string, bool> CutOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Files (<c>repo/file</c>) announced with a SHA-256 that is not theirs.</summary>
    public ConcurrentDictionary<string, bool> WrongChecksum { get; } = new(StringComparer.Ordinal);

    /// <summary>Serves <paramref name="folder"/> as <paramref name="repository"/> at a made-up commit; with <paramref name="token"/>, only to that bearer token.</summary>
    public string Add(string repository, string folder, string? token = null)
    {
        string sha = Convert.ToHexStringLower(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(repository + folder)));
        _repositories[repository] = (folder, sha, token);
        return sha;
    }

    static bool Lfs(string path) => path.EndsWith(".onnx", StringComparison.Ordinal) || path.EndsWith(".safetensors", StringComparison.Ordinal) || path.EndsWith(".model", StringComparison.Ordinal);

    async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                Serve(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the client went away
            }
        }
    }

    void Serve(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        string path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        string? auth = request.Headers["Authorization"];
        Requests.Enqueue((path, request.Headers["Range"], auth is not null));
        var parts = path.Trim('/').Split('/');
        // /api/models/{org}/{name}/revision/{rev}
        if (parts is ["api", "models", var org, var name, "revision", _])
        {
            if (!Allowed($"{org}/{name}", auth, response, out var repo))
                return;
            var files = Directory.EnumerateFiles(repo.Folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(repo.Folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
            Write(response, 200, JsonSerializer.Serialize(new { id = $"{org}/{name}", sha = repo.Sha, siblings = files.Select(f => new { rfilename = f }) }));
            return;
        }
        // /{org}/{name}/resolve/{commit}/{path…}
        if (parts.Length >= 5 && parts[2] == "resolve")
        {
            string repository = $"{parts[0]}/{parts[1]}", file = string.Join('/', parts[4..]);
            if (!Allowed(repository, auth, response, out var repo))
                return;
            string local = Path.Combine(repo.Folder, file);
            if (parts[3] != repo.Sha || !File.Exists(local))
            {
                Write(response, 404, "{\"error\":\"Entry not found\"}");
                return;
            }
            if (Lfs(file))
            {
                string sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(local)));
                if (WrongChecksum.ContainsKey($"{repository}/{file}"))
                    sha256 = new string('0', 64);
                response.StatusCode = 302;
                response.Headers["Location"] = $"{Cdn}/cdn/{repository}/{file}";
                response.Headers["X-Linked-Etag"] = $"\"{sha256}\"";
                response.Headers["X-Linked-Size"] = new FileInfo(local).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
                response.Headers["X-Repo-Commit"] = repo.Sha;
                response.Close();
                return;
            }
            response.Headers["ETag"] = $"\"{Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(local)))}\"";
            Bytes(response, File.ReadAllBytes(local), null, cut: false);
            return;
        }
        // /cdn/{org}/{name}/{path…}: no token needed, Range honoured.
        if (parts.Length >= 4 && parts[0] == "cdn" && _repositories.TryGetValue($"{parts[1]}/{parts[2]}", out var served))
        {
            string key = $"{parts[1]}/{parts[2]}/{string.Join('/', parts[3..])}";
            var bytes = File.ReadAllBytes(Path.Combine(served.Folder, string.Join('/', parts[3..])));
            string? range = request.Headers["Range"];
            bool cut = range is null && CutOnce.TryRemove(key, out _);
            Bytes(response, bytes, range, cut);
            return;
        }
        Write(response, 404, "{\"error\":\"Repository not found\"}");
    }

    bool Allowed(string repository, string? auth, HttpListenerResponse response, out (string Folder, string Sha, string? Token) repo)
    {
        if (!_repositories.TryGetValue(repository, out repo))
        {
            Write(response, 404, "{\"error\":\"Repository not found\"}");
            return false;
        }
        if (repo.Token is { } token && auth != $"Bearer {token}")
        {
            Write(response, 401, "{\"error\":\"Access to model is restricted\"}");
            return false;
        }
        return true;
    }

    static void Bytes(HttpListenerResponse response, byte[] bytes, string? range, bool cut)
    {
        long from = 0;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            && long.TryParse(range["bytes=".Length..^1], out long start) && start < bytes.Length)
        {
            from = start;
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }
        response.ContentLength64 = bytes.Length - from;
        if (cut)
        {
            response.OutputStream.Write(bytes, 0, bytes.Length / 2);
            response.OutputStream.Flush();
            response.Abort();   // the connection drops with half the body sent
            return;
        }
        response.OutputStream.Write(bytes, (int)from, (int)(bytes.Length - from));
        response.Close();
    }

    static void Write(HttpListenerResponse response, int status, string json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    bool _disposed;

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the loop ends with the listener
        }
    }
}
