using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 24, by name, from the command line: <c>--model ORG/NAME</c> fetched from the hub that
/// <c>HF_ENDPOINT</c> names (a loopback <see cref="HubServer"/>) into <c>SIMIL_CACHE</c>, then
/// embedding as the same model's folder does; <c>simil models</c> lists it; offline, the cache only.
/// </summary>
public sealed class HubModelCommandTests
{
    static readonly string Fixture = Repository.Path("tests", "fixtures", "models", "xlmr-tiny");

    [Fact]
    public async Task A_hub_model_is_fetched_cached_listed_and_used_offline()
    {
        using var hub = new HubServer();
        hub.Add("simil/xlmr-tiny", Fixture);
        using var files = new TempFiles();
        var online = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint, ["SIMIL_CACHE"] = files.Path("cache") };

        var fetched = await SimilProcess.RunAsync(online, "compare", "rei", "rainha", "--model", "simil/xlmr-tiny", "-m", "cosine", "--json");
        Assert.True(fetched.ExitCode == 0, fetched.Stderr);
        var local = await SimilProcess.RunAsync("compare", "rei", "rainha", "--model", Fixture, "-m", "cosine", "--json");
        double Cosine(string json) => JsonDocument.Parse(json).RootElement.GetProperty("scores").GetProperty("cosine").GetDouble();
        Assert.Equal(Cosine(local.Stdout), Cosine(fetched.Stdout));

        var listed = await SimilProcess.RunAsync(online, "models", "--json");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var model = JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "simil/xlmr-tiny");
        Assert.Equal("hub cache", model.GetProperty("source").GetString());
        Assert.Equal(32, model.GetProperty("dimensions").GetInt32());
        Assert.Equal("consulta: ", model.GetProperty("prompts").GetProperty("query").GetString());

        // Offline: the cached model works with the hub gone; another one is one line.
        hub.Dispose();
        var offline = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint, ["SIMIL_CACHE"] = files.Path("cache"), ["HF_HUB_OFFLINE"] = "1" };
        var cached = await SimilProcess.RunAsync(offline, "compare", "rei", "rainha", "--model", "simil/xlmr-tiny", "-m", "cosine", "--json");
        Assert.True(cached.ExitCode == 0, cached.Stderr);
        Assert.Equal(Cosine(local.Stdout), Cosine(cached.Stdout));
        var missing = await SimilProcess.RunAsync(offline, "compare", "rei", "rainha", "--model", "intfloat/multilingual-e5-small");
        Assert.Contains("not in the cache", SimilProcess.AssertOneLineError(missing, 2));
        // Online with the hub unreachable: one line saying so.
        var unreachable = await SimilProcess.RunAsync(online, "compare", "rei", "rainha", "--model", "intfloat/multilingual-e5-small");
        Assert.Contains("cannot reach", SimilProcess.AssertOneLineError(unreachable, 2));
    }
}
