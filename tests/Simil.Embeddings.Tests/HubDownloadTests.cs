using Simil.Embeddings.Hub;
using Simil.Testing;

namespace Simil.Embeddings.Tests;

/// <summary>
/// Issue 24, by name: the real download code against a hub-shaped loopback server
/// (<see cref="HubServer"/>) serving the xlmr-tiny fixture — the revision's file list, a plain
/// file, LFS files through a redirect with their SHA-256, a body cut short and resumed with
/// Range, a wrong checksum refused with nothing kept, a 404, a 401 without the token and 200 with
/// it, the token never sent to the CDN, and offline mode reading the cache only.
/// </summary>
public sealed class HubDownloadTests : IDisposable
{
    static readonly string Fixture = Repository.Path("tests", "fixtures", "models", "xlmr-tiny");
    readonly HubServer _hub = new();
    readonly string _cache = Directory.CreateTempSubdirectory("simil-hub-").FullName;

    public void Dispose()
    {
        _hub.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    HubSettings Settings(string? token = null, bool offline = false) => new(_hub.Endpoint, token, _cache, offline);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void AModelIsFetchedFileByFileAndEmbedsAsItsFolderDoes()
    {
        string sha = _hub.Add("simil/xlmr-tiny", Fixture);
        var seen = new List<HubFileProgress>();
        var (folder, onnx) = HubModels.Fetch("simil/xlmr-tiny", Settings(), new Inline<HubFileProgress>(seen.Add), Ct);
        Assert.Null(onnx);
        Assert.Equal(Path.Combine(_cache, "simil--xlmr-tiny", "snapshots", sha), folder);
        Assert.Equal(sha, File.ReadAllText(Path.Combine(_cache, "simil--xlmr-tiny", "refs", "main")).Trim());
        foreach (var file in new[] { "modules.json", "tokenizer.json", "sentencepiece.bpe.model", "onnx/model.onnx", "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(Fixture, file)), File.ReadAllBytes(Path.Combine(folder, file)));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.incomplete", SearchOption.AllDirectories));
        Assert.Contains(seen, p => p.File == "onnx/model.onnx" && p.Done == p.Total && p.Total == new FileInfo(Path.Combine(Fixture, "onnx", "model.onnx")).Length);

        using var fetched = EmbeddingModels.Create(folder);
        using var local = EmbeddingModels.Create(Fixture);
        Assert.Equal(local.Embed(["o rei e a rainha"], Ct)[0], fetched.Embed(["o rei e a rainha"], Ct)[0]);

        // A second fetch asks nothing of the hub.
        int before = _hub.Requests.Count;
        Assert.Equal(folder, HubModels.Fetch("simil/xlmr-tiny", Settings(), null, Ct).Folder);
        Assert.Equal(before, _hub.Requests.Count);
        Assert.Equal([("simil/xlmr-tiny", sha, folder)], HubModels.Cached(Settings()));
    }

    [Fact]
    public void ABodyCutShortIsResumedWithRange()
    {
        _hub.Add("simil/xlmr-tiny", Fixture);
        _hub.CutOnce["simil/xlmr-tiny/onnx/model.onnx"] = true;
        var e = Assert.Throws<InputException>(() => HubModels.Fetch("simil/xlmr-tiny", Settings(), null, Ct));
        Assert.Contains("the download of onnx/model.onnx stopped at", e.Message);
        Assert.Contains("run again to resume", e.Message);
        var partial = Directory.EnumerateFiles(_cache, "model.onnx.incomplete", SearchOption.AllDirectories).Single();
        long kept = new FileInfo(partial).Length;
        Assert.True(kept > 0);
        Assert.Empty(Directory.EnumerateFiles(_cache, "model.onnx", SearchOption.AllDirectories));

        var (folder, _) = HubModels.Fetch("simil/xlmr-tiny", Settings(), null, Ct);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Fixture, "onnx", "model.onnx")), File.ReadAllBytes(Path.Combine(folder, "onnx", "model.onnx")));
        Assert.Contains(_hub.Requests, r => r.Path == "/cdn/simil/xlmr-tiny/onnx/model.onnx" && r.Range == $"bytes={kept}-");
    }

    [Fact]
    public void AWrongChecksumIsRefusedAndNothingIsKept()
    {
        _hub.Add("simil/xlmr-tiny", Fixture);
        _hub.WrongChecksum["simil/xlmr-tiny/2_Dense/model.safetensors"] = true;
        var e = Assert.Throws<InputException>(() => HubModels.Fetch("simil/xlmr-tiny", Settings(), null, Ct));
        Assert.Contains("2_Dense/model.safetensors arrived with SHA-256", e.Message);
        Assert.Empty(Directory.EnumerateFiles(_cache, "model.safetensors*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(_cache, "simil--xlmr-tiny", "refs", "main")));
    }

    [Fact]
    public void AGatedModelNeedsItsTokenWhichNeverLeavesTheHub()
    {
        _hub.Add("simil/gated", Fixture, token: "hf_secret");
        var refused = Assert.Throws<InputException>(() => HubModels.Fetch("simil/gated", Settings(), null, Ct));
        Assert.Contains("gated or private (401", refused.Message);
        Assert.Contains("HF_TOKEN", refused.Message);
        var wrong = Assert.Throws<InputException>(() => HubModels.Fetch("simil/gated", Settings("hf_wrong"), null, Ct));
        Assert.Contains("refused the token", wrong.Message);
        var (folder, _) = HubModels.Fetch("simil/gated", Settings("hf_secret"), null, Ct);
        Assert.True(File.Exists(Path.Combine(folder, "onnx", "model.onnx")));
        Assert.All(_hub.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)), r => Assert.False(r.Token));
        Assert.Contains(_hub.Requests, r => r.Path.StartsWith("/simil/gated/resolve/", StringComparison.Ordinal) && r.Token);
    }

    [Fact]
    public void AMissingRepositoryRevisionOrOnnxIsOneLine()
    {
        Assert.Contains("the hub has no revision main of simil/missing (404)", Assert.Throws<InputException>(() => HubModels.Fetch("simil/missing", Settings(), null, Ct)).Message);
        _hub.Add("simil/xlmr-tiny", Fixture);
        Assert.Contains("has no file onnx/model_int8.onnx", Assert.Throws<InputException>(() => HubModels.Fetch("simil/xlmr-tiny:onnx/model_int8.onnx", Settings(), null, Ct)).Message);
        string noOnnx = Directory.CreateTempSubdirectory("simil-noonnx-").FullName;
        try
        {
            File.Copy(Path.Combine(Fixture, "modules.json"), Path.Combine(noOnnx, "modules.json"));
            _hub.Add("simil/no-onnx", noOnnx);
            Assert.Contains("has no ONNX export", Assert.Throws<InputException>(() => HubModels.Fetch("simil/no-onnx", Settings(), null, Ct)).Message);
        }
        finally
        {
            Directory.Delete(noOnnx, recursive: true);
        }
    }

    [Fact]
    public void OfflineReadsTheCacheOnly()
    {
        _hub.Add("simil/xlmr-tiny", Fixture);
        var e = Assert.Throws<InputException>(() => HubModels.Fetch("simil/xlmr-tiny", Settings(offline: true), null, Ct));
        Assert.Contains("not in the cache", e.Message);
        Assert.Empty(_hub.Requests);
        var (folder, _) = HubModels.Fetch("simil/xlmr-tiny", Settings(), null, Ct);
        int before = _hub.Requests.Count;
        Assert.Equal(folder, HubModels.Fetch("simil/xlmr-tiny", Settings(offline: true), null, Ct).Folder);
        Assert.Equal(before, _hub.Requests.Count);
    }

    [Theory]
    [InlineData("intfloat/multilingual-e5-small", "intfloat/multilingual-e5-small", "main", null)]
    [InlineData("BAAI/bge-m3@v1.0", "BAAI/bge-m3", "v1.0", null)]
    [InlineData("Xenova/all-MiniLM-L6-v2@main:onnx/model_quantized.onnx", "Xenova/all-MiniLM-L6-v2", "main", "onnx/model_quantized.onnx")]
    public void HubIdsAreParsed(string name, string repository, string revision, string? onnx)
    {
        Assert.True(HubModels.IsHubId(name));
        Assert.Equal(new HubModels.HubId(repository, revision, onnx), HubModels.Parse(name));
    }

    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("./models/x")]
    [InlineData("/tmp")]
    [InlineData("a/b/c")]
    public void OtherNamesAreNotHubIds(string name) => Assert.False(HubModels.IsHubId(name));

    sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
