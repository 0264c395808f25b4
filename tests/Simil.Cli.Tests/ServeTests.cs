using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 23: <c>simil serve</c> run as a user runs it — Simil's API answers as the CLI does (the same
/// ids and scores), writes land in the collection, and a sweep of malformed and hostile requests is
/// every one a 4xx problem document, none a 500, nothing written.
/// </summary>
public sealed class ServeTests
{
    const string Rows = "id,vector,lang,year\nx1,\"[1,0,0]\",pt,2019\nx2,\"[0.9,0.1,0]\",en,2021\nx3,\"[0,1,0]\",pt,2012\nx4,\"[0,0.9,0.1]\",es,2023\nx5,\"[0,0,1]\",en,2020\n";

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task The_api_answers_as_the_cli_does_and_writes_land()
    {
        using var files = new TempFiles();
        var coll = files.Path("docs");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", files.Write("rows.csv", Rows), "--out", coll)).ExitCode);
        var token = TestContext.Current.CancellationToken;
        await using (var server = await ServerProcess.Start(coll))
        {
            var list = await Ok(await server.Client.GetAsync("/api/collections", token));
            Assert.Equal("docs", list.GetProperty("collections")[0].GetProperty("name").GetString());
            Assert.Equal(5, list.GetProperty("collections")[0].GetProperty("live").GetInt32());

            // The same answer as simil search, ids and scores, with and without a filter.
            foreach (var (query, filter) in new[] { ("[1,0.2,0]", (string?)null), ("x3", null), ("[1,0.2,0]", """{"year":{"$gte":2019}}""") })
            {
                var cli = await SimilProcess.RunAsync(["search", coll, "--query", query, "-k", "3", "--json", .. filter is null ? Array.Empty<string>() : ["--where", filter]]);
                Assert.True(cli.ExitCode == 0, cli.Stderr);
                var expected = JsonDocument.Parse(cli.Stdout).RootElement.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("score").GetSingle())).ToList();
                var api = await Ok(await server.Client.PostAsync("/api/collections/docs/search",
                    Json($$"""{"query":"{{query}}","k":3{{(filter is null ? "" : ",\"filter\":" + filter)}}}"""), token));
                Assert.Equal(expected, api.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("score").GetSingle())).ToList());
            }
            // Explain: the three rankings side by side, as simil explain --json gives them.
            var cliExplain = await SimilProcess.RunAsync("explain", coll, "--query", "[2,1,0]", "-k", "2", "--json");
            Assert.True(cliExplain.ExitCode == 0, cliExplain.Stderr);
            var expectedRows = JsonDocument.Parse(cliExplain.Stdout).RootElement.GetProperty("rows").EnumerateArray()
                .Select(r => (r.GetProperty("key").GetString(), r.GetProperty("dot").GetInt32(), r.GetProperty("cosine").GetInt32(), r.GetProperty("l2sq").GetInt32(), r.GetProperty("moves").GetBoolean())).ToList();
            var explain = await Ok(await server.Client.PostAsync("/api/collections/docs/explain", Json("""{"query":"[2,1,0]","k":2}"""), token));
            Assert.Equal(expectedRows, explain.GetProperty("rows").EnumerateArray()
                .Select(r => (r.GetProperty("key").GetString(), r.GetProperty("dot").GetInt32(), r.GetProperty("cosine").GetInt32(), r.GetProperty("l2sq").GetInt32(), r.GetProperty("moves").GetBoolean())).ToList());
            Assert.Contains(expectedRows, r => r.Item5);   // the query is long: the measures disagree
            Assert.Equal(JsonDocument.Parse(cliExplain.Stdout).RootElement.GetProperty("notes").GetRawText(), explain.GetProperty("notes").GetRawText());

            // GET /: the version document to a client (Qdrant's clients check "version"), the page to a browser.
            var version = await Ok(await server.Client.GetAsync("/", token));
            Assert.Equal("1.18.0", version.GetProperty("version").GetString());
            using (var browser = new HttpRequestMessage(HttpMethod.Get, "/"))
            {
                browser.Headers.Add("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
                using var page = await server.Client.SendAsync(browser, token);
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
                Assert.Contains("<title>Simil explorer</title>", await page.Content.ReadAsStringAsync(token), StringComparison.Ordinal);
                Assert.StartsWith("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            }

            var byVector = await Ok(await server.Client.PostAsync("/api/collections/docs/search", Json("""{"vector":[0,0,1],"k":1}"""), token));
            Assert.Equal("x5", byVector.GetProperty("results")[0].GetProperty("id").GetString());

            // Writes: upsert, get, delete by filter, compact; the CLI sees them.
            var upsert = await Ok(await server.Client.PostAsync("/api/collections/docs/upsert",
                Json("""{"rows":[{"id":"n1","vector":[0.5,0.5,0],"metadata":{"lang":"pt","year":2025}},{"id":"x1","vector":[1,0,0.1]}]}"""), token));
            Assert.Equal((2, 1, 6), (upsert.GetProperty("upserted").GetInt32(), upsert.GetProperty("replaced").GetInt32(), upsert.GetProperty("live").GetInt32()));
            var row = await Ok(await server.Client.GetAsync("/api/collections/docs/rows/n1", token));
            Assert.Equal(2025, row.GetProperty("metadata").GetProperty("year").GetInt32());
            var got = await SimilProcess.RunAsync("index", "get", coll, "n1", "--json");
            Assert.Contains("\"year\":2025", got.Stdout, StringComparison.Ordinal);
            var deleted = await Ok(await server.Client.PostAsync("/api/collections/docs/delete", Json("""{"filter":{"lang":"en"}}"""), token));
            Assert.Equal((2, 4), (deleted.GetProperty("deleted").GetInt32(), deleted.GetProperty("live").GetInt32()));
            var compact = await Ok(await server.Client.PostAsync("/api/collections/docs/compact", null, token));
            Assert.Equal((1, 4), (compact.GetProperty("segments").GetInt32(), compact.GetProperty("live").GetInt32()));
            // A write by another process is seen by the server's next read.
            Assert.Equal(0, (await SimilProcess.RunAsync("index", "delete", coll, "--id", "x3")).ExitCode);
            var after = await Ok(await server.Client.GetAsync("/api/collections/docs", token));
            Assert.Equal(3, after.GetProperty("live").GetInt32());

            var compare = await Ok(await server.Client.PostAsync("/api/compare", Json("""{"a":[1,2,3],"b":[2,4,6]}"""), token));
            Assert.Equal(1.0, compare.GetProperty("measures").GetProperty("cosine").GetDouble(), 6);
            Assert.Equal(28.0, compare.GetProperty("measures").GetProperty("dot").GetDouble(), 6);

            var metrics = await server.Client.GetStringAsync("/metrics", token);
            Assert.Contains("simil_http_requests_total{method=\"POST\",route=\"/api/collections/{name}/search\",status=\"200\"} 4", metrics, StringComparison.Ordinal);
            Assert.Contains("simil_open_collections 1", metrics, StringComparison.Ordinal);
            var openapi = await Ok(await server.Client.GetAsync("/openapi.json", token));
            Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/collections/{name}/search", out _));
            var root = await Ok(await server.Client.GetAsync("/", token));
            Assert.Equal("simil", root.GetProperty("title").GetString());
        }
        var verify = await SimilProcess.RunAsync("index", "verify", coll);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    /// <summary>Every file of a folder with a hash of its bytes (the lock file aside).</summary>
    static Dictionary<string, string> Files(string folder) =>
        Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != "LOCK")
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public async Task Sigterm_lets_the_requests_in_flight_finish_then_exits_0()
    {
        var token = TestContext.Current.CancellationToken;
        await using var server = await ServerProcess.Start();
        // Four embeds of 1,000 texts each: seconds of work on any two cores, so SIGTERM comes while they run.
        string body = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["texts"] = [.. Enumerable.Range(0, 1000).Select(i => $"sentence {i}: the wind over the sea, the rain on the roof")] });
        var pending = Enumerable.Range(0, 4).Select(_ => server.Client.PostAsync("/api/embed", Json(body), token)).ToList();
        await Task.Delay(1000, token);
        var signalled = DateTime.UtcNow;
        server.Terminate();
        foreach (var request in pending)
        {
            using var response = await request;
            var answer = await Ok(response);
            Assert.Equal(1000, answer.GetProperty("vectors").GetArrayLength());
        }
        var finished = DateTime.UtcNow;
        Assert.True(finished > signalled.AddMilliseconds(100), "the embeds finished before SIGTERM was sent, so this run shows nothing; give them more work");
        // Disposing waits for the exit and requires 0.
    }

    [Fact]
    public async Task Malformed_and_hostile_requests_are_each_a_4xx_problem_and_write_nothing()
    {
        using var files = new TempFiles();
        var coll = files.Path("docs");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", files.Write("rows.csv", Rows), "--out", coll)).ExitCode);
        var single = files.Path("frozen.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", files.Path("rows.csv"), "--out", single)).ExitCode);
        var before = Files(coll);
        var token = TestContext.Current.CancellationToken;
        string huge = "{\"rows\":[{\"id\":\"h\",\"vector\":[" + string.Join(",", Enumerable.Repeat("0.125", 6_000_000)) + "]}]}";
        var cases = new (string Method, string Path, string? Body, string? ContentType, int Status)[]
        {
            ("POST", "/api/collections/docs/search", "{", "application/json", 400),
            ("POST", "/api/collections/docs/search", "[1,2]", "application/json", 400),
            ("POST", "/api/collections/docs/search", "null", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"k":"ten","vector":[1,0,0]}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[NaN,0,0]}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":["NaN",0,0]}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1e39,0,0]}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0]}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[]}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"k":0}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"k":100000000}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"ef":-1}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"unknown":1}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"filter":{"$gte":3}}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"query":"x1"}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0]}""", "text/plain", 415),
            ("POST", "/api/collections/docs/search", """{"query":"a text no model made these rows for"}""", "application/json", 400),
            ("POST", "/api/collections/nope/search", """{"vector":[1,0,0]}""", "application/json", 404),
            ("POST", "/api/collections/..%2F..%2Fetc/search", """{"vector":[1,0,0]}""", "application/json", 400),
            ("POST", "/api/collections/.hidden/search", """{"vector":[1,0,0]}""", "application/json", 400),
            ("GET", "/api/collections/..", null, null, 404),   // the client resolves it to /api/: no endpoint
            ("GET", "/api/collections/docs/rows/nobody", null, null, 404),
            ("GET", "/api/collections/docs/search", null, null, 405),
            ("GET", "/no/such/endpoint", null, null, 404),
            ("POST", "/api/collections/docs/upsert", """{"rows":[]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", """{"rows":[{"id":"","vector":[1,0,0]}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", """{"rows":[{"id":"a","vector":[1,0]}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", """{"rows":[{"id":"a","vector":[1,0,0]},{"id":"a","vector":[0,1,0]}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", """{"rows":[{"id":"a","vector":[1,0,0],"metadata":[1]}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", """{"rows":[{"id":"a","text":"no model made these rows"}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", """{"rows":[{"id":"a"}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/upsert", huge, "application/json", 413),
            ("POST", "/api/collections/docs/delete", """{}""", "application/json", 400),
            ("POST", "/api/collections/docs/delete", """{"ids":["x1"],"filter":{"lang":"pt"}}""", "application/json", 400),
            ("POST", "/api/collections/docs/delete", """{"filter":{"lang":{"$between":[1,2]}}}""", "application/json", 400),
            ("POST", "/api/collections/frozen/upsert", """{"rows":[{"id":"a","vector":[1,0,0]}]}""", "application/json", 400),
            ("POST", "/api/collections/docs/explain", """{"vector":[1,0,0],"k":0}""", "application/json", 400),
            ("POST", "/api/collections/docs/explain", """{"vector":[1,0]}""", "application/json", 400),
            ("POST", "/api/compare", """{"a":[1,2],"b":[1,2,3]}""", "application/json", 400),
            ("POST", "/api/compare", """{"a":[1,"x"],"b":[1,2]}""", "application/json", 400),
            ("POST", "/api/embed", """{"texts":[]}""", "application/json", 400),
            ("POST", "/api/embed", """{"texts":["a"],"model":"no-such-model"}""", "application/json", 400),
            ("POST", "/api/collections/docs/search", """{"vector":[1,0,0],"oversample":2}""", "application/json", 400),
            ("POST", "/api/collections/docs/advise", """{"sample":1}""", "application/json", 400),
            ("POST", "/api/collections/docs/advise", """{"sample":3,"label_field":"nope"}""", "application/json", 400),
            ("POST", "/api/collections/docs/map", """{"limit":1}""", "application/json", 400),
            ("POST", "/api/collections/docs/map", """{"limit":100000}""", "application/json", 400),
            ("POST", "/api/collections/docs/map", """{"vector":[1,0]}""", "application/json", 400),
            ("POST", "/api/collections/docs/map", """{"k":0}""", "application/json", 400),
            ("GET", "/explorer/nope.js", null, null, 404),
            ("GET", "/explorer/../../etc/passwd", null, null, 404),
        };
        // Qdrant's dialect: the same refusals in Qdrant's error shape.
        var qdrant = new (string Method, string Path, string? Body, int Status)[]
        {
            ("PUT", "/collections/docs/points", "{", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":-1,"vector":[1,0,0]}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":"not-a-uuid","vector":[1,0,0]}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":1.5,"vector":[1,0,0]}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":1,"vector":[1,0]}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":1,"vector":[1e39,0,0]}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":1,"vector":{"image":[1,0,0]}}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":1,"vector":[1,0,0],"payload":[1]}]}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[{"id":1,"vector":[1,0,0]}],"update_filter":{"must":[]}}""", 400),
            ("PUT", "/collections/docs/points", """{"batch":{"ids":[1,2],"vectors":[[1,0,0]]}}""", 400),
            ("PUT", "/collections/docs/points", """{"points":[]}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"limit":0}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"limit":100000000}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"filter":{"must":[{"key":"lang","match":{"text":"p"}}]}}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"filter":{"must":[{"key":"geo","geo_radius":{}}]}}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"filter":{"bogus":[]}}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"filter":{"must":[{"key":"a[].b","match":{"value":1}}]}}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"filter":{"must":[{"key":"year","range":{"gte":"soon"}}]}}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"with_payload":{"include":["lang"]}}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[1,0,0],"prefetch":[]}""", 400),
            ("POST", "/collections/docs/points/search", """{"vector":[NaN,0,0]}""", 400),
            ("POST", "/collections/docs/points/query", """{"query":{"recommend":{"positive":[1]}}}""", 400),
            ("POST", "/collections/docs/points/query", """{"query":7}""", 400),
            ("POST", "/collections/docs/points/query", """{"query":[1,0,0],"using":"image"}""", 400),
            ("POST", "/collections/docs/points/scroll", """{"order_by":"year"}""", 400),
            ("POST", "/collections/docs/points/scroll", """{"offset":"bad"}""", 400),
            ("POST", "/collections/docs/points/count", """{"filter":{"must":[{"has_id":[1]}]}}""", 400),
            ("POST", "/collections/docs/points/delete", """{}""", 400),
            ("POST", "/collections/docs/points", """{"ids":[{"a":1}]}""", 400),
            ("GET", "/collections/docs/points/abc", null, 400),
            ("GET", "/collections/docs/points/77", null, 404),
            ("GET", "/collections/nope", null, 404),
            ("POST", "/collections/nope/points/search", """{"vector":[1,0,0]}""", 404),
            ("GET", "/collections/..%2F..%2Fetc", null, 400),
            ("PUT", "/collections/newone", """{"vectors":{"size":3,"distance":"Cosine"}}""", 400),
            ("DELETE", "/collections/frozen", null, 400),
            ("POST", "/collections/docs/points/recommend", """{"positive":[1]}""", 404),
            ("POST", "/collections/docs/points/payload", """{"payload":{},"points":[1]}""", 404),
        };
        int swept = 0;
        await using (var server = await ServerProcess.Start(coll, single))
        {
            foreach (var (method, path, body, contentType, status) in cases)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null)
                    request.Content = new StringContent(body, Encoding.UTF8, contentType!);
                // A body past the limit is refused before it is sent (as a well-behaved client asks first).
                request.Headers.ExpectContinue = body?.Length > 1_000_000;
                using var response = await server.Client.SendAsync(request, token);
                string text = await response.Content.ReadAsStringAsync(token);
                Assert.True(status == (int)response.StatusCode, $"{method} {path} {(body?.Length > 200 ? body[..200] : body)}: {(int)response.StatusCode} {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = JsonDocument.Parse(text).RootElement;
                Assert.Equal(status, problem.GetProperty("status").GetInt32());
                Assert.DoesNotContain('\n', problem.GetProperty("detail").GetString()!);
                Assert.DoesNotContain(" at Simil.", text, StringComparison.Ordinal);
                swept++;
            }
            foreach (var (method, path, body, status) in qdrant)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null)
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await server.Client.SendAsync(request, token);
                string text = await response.Content.ReadAsStringAsync(token);
                Assert.True(status == (int)response.StatusCode, $"{method} {path} {body}: {(int)response.StatusCode} {text}");
                var error = JsonDocument.Parse(text).RootElement.GetProperty("status").GetProperty("error").GetString()!;
                Assert.DoesNotContain('\n', error);
                Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
                swept++;
            }
        }
        Assert.Equal(cases.Length + qdrant.Length, swept);
        Assert.True(File.Exists(single), "DELETE of an index file removed it");
        Assert.Equal(before, Files(coll));

        // Read-only: every write is a 403 and nothing changes.
        await using (var server = await ServerProcess.Start(coll, "--read-only"))
        {
            foreach (var path in new[] { "/api/collections/docs/upsert", "/api/collections/docs/delete", "/api/collections/docs/compact" })
            {
                using var response = await server.Client.PostAsync(path, Json("""{"rows":[{"id":"a","vector":[1,0,0]}]}"""), token);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }
        }
        Assert.Equal(before, Files(coll));

        // A key: missing or wrong is a 401 (healthz stays open); the right one in either header works.
        const string Key = "k3y-0123456789abcdef";
        await using (var server = await ServerProcess.Start(coll, "--api-key", Key))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/api/collections", token)).StatusCode);
            using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/collections"))
            {
                wrong.Headers.Add("api-key", Key + "x");
                Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(wrong, token)).StatusCode);
            }
            using (var right = new HttpRequestMessage(HttpMethod.Get, "/api/collections"))
            {
                right.Headers.Add("api-key", Key);
                Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(right, token)).StatusCode);
            }
            using (var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/collections"))
            {
                bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
                Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(bearer, token)).StatusCode);
            }
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz", token)).StatusCode);
        }
    }

    [Fact]
    public async Task Unsafe_or_wrong_settings_refuse_to_start()
    {
        using var files = new TempFiles();
        var coll = files.Path("docs");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", files.Write("rows.csv", Rows), "--out", coll)).ExitCode);
        var cases = new (string[] Args, string Says)[]
        {
            (["serve", coll, "--host", "0.0.0.0", "--port", "0"], "give --api-key KEY"),
            (["serve", coll, "--api-key", "short", "--port", "0"], "shorter than 16 characters"),
            (["serve", files.Path("missing"), "--port", "0"], "no such collection"),
            (["serve", coll, coll, "--port", "0"], "gives the name 'docs'"),
            (["serve", coll, "--cors", "not an origin", "--port", "0"], "is not an origin"),
        };
        foreach (var (args, says) in cases)
            Assert.Contains(says, SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2), StringComparison.Ordinal);
    }
}
