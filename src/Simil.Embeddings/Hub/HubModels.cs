using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Simil.Embeddings.Hub;

/// <summary>How far one file's download has come, for a progress bar.</summary>
/// <param name="File">The file's path in the repository.</param>
/// <param name="Done">Bytes on disk so far (a resumed download starts where the last one stopped).</param>
/// <param name="Total">The file's size, or -1 when the hub did not say.</param>
public readonly record struct HubFileProgress(string File, long Done, long Total);

/// <summary>Where the hub is and how to talk to it: <see cref="FromEnvironment"/> reads the variables a user sets.</summary>
/// <param name="Endpoint">The hub's address (<c>HF_ENDPOINT</c>, else https://huggingface.co).</param>
/// <param name="Token">An access token for gated and private models (<c>HF_TOKEN</c>), or null.</param>
/// <param name="CacheRoot">Where models are kept (<c>{SIMIL_CACHE}/models</c>).</param>
/// <param name="Offline">Read the cache only (<c>SIMIL_OFFLINE=1</c> or <c>HF_HUB_OFFLINE=1</c>).</param>
public sealed record HubSettings(string Endpoint, string? Token, string CacheRoot, bool Offline)
{
    /// <summary>The settings the environment gives.</summary>
    public static HubSettings FromEnvironment() => new(
        (Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } e ? e : "https://huggingface.co").TrimEnd('/'),
        Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } t ? t.Trim() : null,
        Path.Combine(Indexes.VerifiedFiles.CacheFolder, "models"),
        IsOn("SIMIL_OFFLINE") || IsOn("HF_HUB_OFFLINE"));

    static bool IsOn(string variable) => Environment.GetEnvironmentVariable(variable)?.Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";
}

/// <summary>
/// A model named by its Hugging Face repository, <c>ORG/NAME[@REVISION][:FILE.onnx]</c>, brought into
/// the cache with the hub's own protocol (<c>docs/models.md</c>): the revision's file list from
/// <c>/api/models/{repo}/revision/{rev}</c>, then only the files the folder reader needs — modules
/// and configs, the tokenizer, Dense weights, the ONNX graph — each from
/// <c>{endpoint}/{repo}/resolve/{commit}/{path}</c>, redirects followed (the token only to the hub's
/// own host), resumed with <c>Range</c> from a <c>.incomplete</c> file, its size checked and an LFS
/// file's SHA-256 checked against the ETag the hub gives, then renamed into place. Laid out as
/// <c>{cache}/models/{org}--{name}/snapshots/{commit}/</c> with <c>refs/{revision}</c> naming the
/// commit. <c>HF_ENDPOINT</c> moves the hub, <c>HF_TOKEN</c> opens gated models,
/// <c>SIMIL_OFFLINE=1</c> or <c>HF_HUB_OFFLINE=1</c> reads the cache only.
/// </summary>
public static partial class HubModels
{
    [GeneratedRegex(@"^(?<repo>[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)(@(?<rev>[A-Za-z0-9_.\-/]+?))?(:(?<onnx>[A-Za-z0-9_.\-/]+\.onnx))?$")]
    private static partial Regex IdPattern();

    static readonly string[] FolderFiles =
    [
        "modules.json", "config.json", "sentence_bert_config.json", "config_sentence_transformers.json",
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "vocab.txt", "sentencepiece.bpe.model", "spiece.model", "tokenizer.model",
    ];

    /// <summary>Whether <paramref name="name"/> names a hub repository (<c>ORG/NAME[@REV][:FILE.onnx]</c>) rather than a path that exists.</summary>
    public static bool IsHubId(string? name) =>
        !string.IsNullOrWhiteSpace(name) && !Path.Exists(name) && !name.StartsWith('.') && !name.StartsWith('/') && IdPattern().IsMatch(name.Trim());

    /// <summary>The parts of a hub id.</summary>
    public readonly record struct HubId(string Repository, string Revision, string? Onnx)
    {
        /// <summary>The cache folder of the repository (<c>org--name</c>) under <paramref name="cacheRoot"/>.</summary>
        public string Folder(string cacheRoot) => Path.Combine(cacheRoot, Repository.Replace("/", "--", StringComparison.Ordinal));

        /// <summary>The file under <c>refs/</c> naming the revision's commit.</summary>
        public string RefFile(string cacheRoot) => Path.Combine(Folder(cacheRoot), "refs", Uri.EscapeDataString(Revision));
    }

    /// <summary>The parts of <paramref name="name"/>.</summary>
    /// <exception cref="InvalidSettingException">It is not a hub id (<see cref="EmbeddingModels.ModelSetting"/>).</exception>
    public static HubId Parse(string name)
    {
        var match = IdPattern().Match(name?.Trim() ?? "");
        if (!match.Success)
            throw new InvalidSettingException(EmbeddingModels.ModelSetting, $"'{name}' is not ORG/NAME[@REVISION][:FILE.onnx]");
        return new HubId(match.Groups["repo"].Value, match.Groups["rev"].Success ? match.Groups["rev"].Value : "main",
            match.Groups["onnx"].Success ? match.Groups["onnx"].Value : null);
    }

    /// <summary>
    /// The local folder of the model <paramref name="name"/> names (with the ONNX file to use when the
    /// id names one), downloading what is missing unless offline.
    /// </summary>
    /// <exception cref="InputException">Offline with nothing cached; the repository, revision or a file is missing; the model is gated; no ONNX export; a download failed (resumable) or its checksum differs.</exception>
    public static (string Folder, string? Onnx) Fetch(string name, HubSettings settings, IProgress<HubFileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var id = Parse(name);
        string refFile = id.RefFile(settings.CacheRoot);
        if (File.Exists(refFile) && File.ReadAllText(refFile).Trim() is { Length: > 0 } commit
            && Path.Combine(id.Folder(settings.CacheRoot), "snapshots", commit) is var cached && File.Exists(Path.Combine(cached, CompleteMarker(id.Onnx))))
            return (cached, id.Onnx is null ? null : Path.Combine(cached, id.Onnx));
        if (settings.Offline)
            throw new InputException(name, $"is not in the cache ({id.Folder(settings.CacheRoot)}) and downloads are off (SIMIL_OFFLINE or HF_HUB_OFFLINE); run once online, or name a model folder");
        using var client = new HubClient(settings.Endpoint, settings.Token, name);
        var (sha, siblings) = client.Revision(id.Repository, id.Revision, cancellationToken);
        string snapshot = Path.Combine(id.Folder(settings.CacheRoot), "snapshots", sha);
        Directory.CreateDirectory(snapshot);
        var files = new List<string>();
        void Get(string path)
        {
            client.Download(id.Repository, sha, path, Path.Combine(snapshot, path), progress, cancellationToken);
            files.Add(path);
        }
        foreach (var file in FolderFiles.Where(siblings.Contains))
            Get(file);
        if (files.Contains("modules.json"))
            foreach (var module in ModulePaths(Path.Combine(snapshot, "modules.json")))
            {
                string config = $"{module}/config.json";
                if (siblings.Contains(config))
                    Get(config);
                if (siblings.Contains($"{module}/model.safetensors"))
                    Get($"{module}/model.safetensors");
                else if (siblings.Contains($"{module}/pytorch_model.bin"))
                    throw new InputException(name, $"its {module} module's weights are only in pytorch_model.bin, a Python pickle, which Simil does not run; it needs {module}/model.safetensors");
            }
        string onnx = id.Onnx ?? new[] { "onnx/model.onnx", "model.onnx" }.FirstOrDefault(siblings.Contains)
            ?? throw new InputException(name, $"has no ONNX export (onnx/model.onnx or model.onnx) at {id.Revision}; its files: {string.Join(", ", siblings.Where(s => s.EndsWith(".onnx", StringComparison.Ordinal)).DefaultIfEmpty("no .onnx file"))}");
        if (!siblings.Contains(onnx))
            throw new InputException(name, $"has no file {onnx} at {id.Revision}");
        Get(onnx);
        if (siblings.Contains(onnx + "_data"))
            Get(onnx + "_data");   // weights stored beside a large graph
        WriteAtomically(Path.Combine(snapshot, CompleteMarker(id.Onnx)), string.Join('\n', files) + "\n");
        Directory.CreateDirectory(Path.GetDirectoryName(refFile)!);
        WriteAtomically(refFile, sha + "\n");
        return (snapshot, id.Onnx is null ? null : Path.Combine(snapshot, onnx));
    }

    /// <summary>The models in the cache: each repository's revisions and the commit each names.</summary>
    public static IReadOnlyList<(string Name, string Commit, string Folder)> Cached(HubSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var found = new List<(string, string, string)>();
        if (!Directory.Exists(settings.CacheRoot))
            return found;
        foreach (var repository in Directory.EnumerateDirectories(settings.CacheRoot).Order(StringComparer.Ordinal))
        {
            string refs = Path.Combine(repository, "refs");
            if (!Directory.Exists(refs))
                continue;
            string repo = Path.GetFileName(repository).Replace("--", "/", StringComparison.Ordinal);
            foreach (var reference in Directory.EnumerateFiles(refs).Order(StringComparer.Ordinal))
            {
                string revision = Uri.UnescapeDataString(Path.GetFileName(reference));
                string commit = File.ReadAllText(reference).Trim();
                string folder = Path.Combine(repository, "snapshots", commit);
                if (File.Exists(Path.Combine(folder, CompleteMarker(null))))
                    found.Add((revision == "main" ? repo : $"{repo}@{revision}", commit, folder));
            }
        }
        return found;
    }

    static string CompleteMarker(string? onnx) => onnx is null ? ".simil-complete" : $".simil-complete-{onnx.Replace('/', '_')}";

    static IEnumerable<string> ModulePaths(string modulesFile)
    {
        using var json = ModelJson.Read(modulesFile);
        if (json.RootElement.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var module in json.RootElement.EnumerateArray())
            if (module.TryGetProperty("path", out var p) && p.GetString() is { Length: > 0 } path && !path.Contains("..", StringComparison.Ordinal))
                yield return path.TrimEnd('/');
    }

    internal static void WriteAtomically(string path, string text)
    {
        string temporary = $"{path}.tmp-{Environment.ProcessId}";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The hub's HTTP side: one client, the token sent only to the hub's own host.</summary>
    sealed class HubClient : IDisposable
    {
        readonly HttpClient _http;
        readonly Uri _endpoint;
        readonly string? _token;
        readonly string _name;

        public HubClient(string endpoint, string? token, string name)
        {
            _endpoint = new Uri(endpoint + "/");
            _token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
            _name = name;
            _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("simil", "1"));
        }

        public void Dispose() => _http.Dispose();

        static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

        HttpRequestMessage Request(Uri uri, long from = 0)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (_token is not null && string.Equals(uri.Host, _endpoint.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == _endpoint.Port)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            if (from > 0)
                request.Headers.Range = new RangeHeaderValue(from, null);
            return request;
        }

        /// <summary>Sends, following redirects (at most 10); the first answer's headers are kept for its ETag.</summary>
        (HttpResponseMessage Response, HttpResponseHeaders First) Send(Uri uri, long from, string what, CancellationToken token)
        {
            HttpResponseHeaders? first = null;
            for (int hop = 0; hop <= 10; hop++)
            {
                HttpResponseMessage response;
                try
                {
                    response = _http.Send(Request(uri, from), HttpCompletionOption.ResponseHeadersRead, token);
                }
                catch (HttpRequestException e)
                {
                    throw new InputException(_name, $"cannot reach {_endpoint.GetLeftPart(UriPartial.Authority)} for {what}: {e.Message} (offline? set SIMIL_OFFLINE=1 to use the cache)");
                }
                first ??= response.Headers;
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    response.Dispose();
                    continue;
                }
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                        response.Dispose();
                        throw new InputException(_name, _token is null
                            ? $"is gated or private ({(int)response.StatusCode} for {what}): accept its terms on the hub and set HF_TOKEN to an access token"
                            : $"refused the token in HF_TOKEN ({(int)response.StatusCode} for {what}): check that it is valid and has access to this model");
                    case HttpStatusCode.NotFound:
                        response.Dispose();
                        throw new InputException(_name, $"the hub has no {what} (404)");
                }
                if (!response.IsSuccessStatusCode)
                {
                    int status = (int)response.StatusCode;
                    response.Dispose();
                    throw new InputException(_name, $"the hub answered {status} for {what}");
                }
                return (response, first);
            }
            throw new InputException(_name, $"more than 10 redirects for {what}");
        }

        public (string Sha, HashSet<string> Files) Revision(string repository, string revision, CancellationToken token)
        {
            var uri = new Uri(_endpoint, $"api/models/{Escape(repository)}/revision/{Uri.EscapeDataString(revision)}");
            var (response, _) = Send(uri, 0, $"revision {revision} of {repository}", token);
            using (response)
            {
                using var stream = response.Content.ReadAsStream(token);
                JsonDocument json;
                try
                {
                    json = JsonDocument.Parse(stream);
                }
                catch (JsonException e)
                {
                    throw new InputException(_name, $"the hub's answer for revision {revision} is not JSON: {e.Message}");
                }
                using (json)
                {
                    var root = json.RootElement;
                    string sha = root.TryGetProperty("sha", out var s) && s.GetString() is { Length: > 0 } text && text.All(char.IsAsciiLetterOrDigit) ? text
                        : throw new InputException(_name, $"the hub's answer for revision {revision} names no commit (sha)");
                    var files = root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array
                        ? siblings.EnumerateArray().Select(f => f.TryGetProperty("rfilename", out var n) ? n.GetString() : null).OfType<string>().ToHashSet(StringComparer.Ordinal)
                        : throw new InputException(_name, $"the hub's answer for revision {revision} lists no files (siblings)");
                    return (sha, files);
                }
            }
        }

        public void Download(string repository, string commit, string path, string target, IProgress<HubFileProgress>? progress, CancellationToken token)
        {
            if (File.Exists(target))
                return;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string incomplete = target + ".incomplete";
            long have = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
            var uri = new Uri(_endpoint, $"{Escape(repository)}/resolve/{commit}/{Escape(path)}");
            var (response, first) = Send(uri, have, path, token);
            using (response)
            {
                // An LFS file's ETag (X-Linked-Etag on the hub's redirect) is its SHA-256; a git file's is its blob hash.
                string? etag = Header(first, "X-Linked-Etag") ?? Header(response.Headers, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? first.ETag?.Tag;
                etag = etag?.Replace("W/", "", StringComparison.Ordinal).Trim('"');
                string? sha256 = etag is { Length: 64 } && etag.All(char.IsAsciiHexDigit) ? etag.ToLowerInvariant() : null;
                long total;
                bool append = response.StatusCode == HttpStatusCode.PartialContent;
                if (append)
                {
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From != have)
                        throw new InputException(_name, $"the hub resumed {path} at byte {range?.From}, not {have}");
                    total = range.Length ?? -1;
                }
                else
                {
                    have = 0;
                    total = response.Content.Headers.ContentLength ?? (long.TryParse(Header(first, "X-Linked-Size"), out long size) ? size : -1);
                }
                using (var file = new FileStream(incomplete, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    var buffer = new byte[1 << 16];
                    try
                    {
                        using var body = response.Content.ReadAsStream(token);
                        int read;
                        progress?.Report(new HubFileProgress(path, have, total));
                        while ((read = body.Read(buffer)) > 0)
                        {
                            file.Write(buffer, 0, read);
                            have += read;
                            progress?.Report(new HubFileProgress(path, have, total));
                        }
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        file.Flush(flushToDisk: true);
                        throw new InputException(_name, $"the download of {path} stopped at {have:N0} of {(total < 0 ? "?" : total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} bytes ({e.Message}); run again to resume it");
                    }
                    file.Flush(flushToDisk: true);
                }
                if (total >= 0 && have != total)
                    throw new InputException(_name, $"the download of {path} stopped at {have:N0} of {total:N0} bytes; run again to resume it");
                if (sha256 is not null)
                {
                    string actual;
                    using (var stream = File.OpenRead(incomplete))
                        actual = Convert.ToHexStringLower(SHA256.HashData(stream));
                    if (actual != sha256)
                    {
                        File.Delete(incomplete);
                        throw new InputException(_name, $"{path} arrived with SHA-256 {actual[..12]}…, not {sha256[..12]}… as the hub's ETag says; nothing was kept, run again");
                    }
                }
                File.Move(incomplete, target);
            }
        }

        static string? Header(HttpResponseHeaders headers, string name) =>
            headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    }
}
