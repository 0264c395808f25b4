using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 23: the explorer page in a real headless Chromium (Debian's <c>chromium</c> driven through
/// <c>chromium-driver</c> by Selenium): it loads with nothing from another origin, and each view —
/// the three rankings, the map (PCA by Simil and UMAP in the page), compare, advice — shows what the
/// API answers for the same request. With <c>SIMIL_SCREENSHOTS=FOLDER</c> it saves a screenshot of
/// each view there (the ones in <c>docs/images/</c> came from this test).
/// </summary>
public sealed class ExplorerPageTests
{
    const string Chromium = "/usr/bin/chromium";
    const string Driver = "/usr/bin/chromedriver";

    /// <summary>
    /// A demo collection made through the API: STS sentences (spread over the file, so every genre
    /// appears) embedded by the server, each vector scaled by a length that grows with a "views"
    /// count — long vectors for popular rows, the dot product's bias made visible.
    /// </summary>
    static async Task BuildDemo(HttpClient client, int count)
    {
        var token = TestContext.Current.CancellationToken;
        var lines = File.ReadAllLines(Repository.Path("samples", "data", "sts-test.csv"));
        var rows = new List<(string Genre, string Source, string Text)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Where((_, i) => i % Math.Max(1, lines.Length * 2 / count) == 0))
        {
            var parts = line.Split('\t');
            foreach (var s in parts[5..7])
                if (rows.Count < count && seen.Add(s))
                    rows.Add((parts[0].Replace("main-", "", StringComparison.Ordinal), parts[1], s));
        }
        var created = await client.PutAsync("/collections/demo", Json("""{"vectors":{"size":384,"distance":"Cosine"},"hnsw_config":{"m":0}}"""), token);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(token));
        var embedded = await Ok(await client.PostAsync("/api/embed", Json(JsonSerializer.Serialize(new Dictionary<string, object> { ["texts"] = rows.Select(r => r.Text).ToArray() })), token));
        var vectors = embedded.GetProperty("vectors").EnumerateArray().Select(v => v.EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToList();
        var body = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < rows.Count; i++)
        {
            int views = (int)Math.Pow(10, 1 + (i * 7919 % 1000) / 250.0);
            float scale = (float)(1 + Math.Log10(views) / 2);
            body.Append(i == 0 ? "" : ",").Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = $"s{i}",
                ["vector"] = vectors[i].Select(x => x * scale).ToArray(),
                ["text"] = rows[i].Text,
                ["metadata"] = new Dictionary<string, object> { ["genre"] = rows[i].Genre, ["source"] = rows[i].Source, ["views"] = views },
            }));
        }
        await Ok(await client.PostAsync("/api/collections/demo/upsert", Json(body.Append("]}").ToString()), token));
    }

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static ChromeDriver Start()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(Driver), $"{Chromium} and {Driver} are required (Debian's chromium and chromium-driver; CI installs them)");
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1150", "--force-device-scale-factor=1");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
    }

    static void Screenshot(ChromeDriver driver, string name)
    {
        if (Environment.GetEnvironmentVariable("SIMIL_SCREENSHOTS") is { Length: > 0 } folder)
            driver.GetScreenshot().SaveAsFile(Path.Combine(folder, name));
    }

    static void Submit(ChromeDriver driver, WebDriverWait wait, string form, string flag, string value)
    {
        driver.ExecuteScript($"delete document.body.dataset.{flag}");
        driver.FindElement(By.CssSelector($"#{form} button[type=submit]")).Click();
        wait.Until(d => d.FindElement(By.TagName("body")).GetAttribute($"data-{flag}") == value || d.FindElement(By.Id("error")).GetAttribute("hidden") is null);
        Assert.True(driver.FindElement(By.Id("error")).GetAttribute("hidden") is not null, $"the page shows an error: {driver.FindElement(By.Id("error")).Text}");
    }

    static void Set(ChromeDriver driver, string id, string value) =>
        driver.ExecuteScript("const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));", id, value);

    [Fact]
    public async Task The_page_shows_in_chromium_what_the_api_answers()
    {
        var token = TestContext.Current.CancellationToken;
        using var files = new TempFiles();
        var home = files.Path("data");
        Directory.CreateDirectory(home);
        await using var server = await ServerProcess.Start(home);
        var client = server.Client;
        await BuildDemo(client, 240);
        string origin = client.BaseAddress!.ToString().TrimEnd('/');

        using var driver = Start();
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(90));
        driver.Navigate().GoToUrl($"{origin}/?collection=demo#rankings");
        wait.Until(d => d.FindElement(By.TagName("body")).GetAttribute("data-ready") == "yes");
        Assert.Equal("Simil explorer", driver.Title);
        Assert.Contains("240 rows × 384", driver.FindElement(By.Id("collection-info")).Text, StringComparison.Ordinal);

        // The three rankings: the same ids, order and scores as POST …/explain.
        const string query = "A man is playing a guitar.";
        driver.FindElement(By.Id("query")).SendKeys(query);
        Submit(driver, wait, "query-form", "ranked", "yes");
        var explain = await Ok(await client.PostAsync("/api/collections/demo/explain", Json($$"""{"query":"{{query}}","k":10}"""), token));
        foreach (var measure in new[] { "dot", "cosine", "l2sq" })
        {
            var expected = explain.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty(measure).GetInt32() > 0)
                .OrderBy(r => r.GetProperty(measure).GetInt32())
                .Select(r => (r.GetProperty("key").GetString(), r.GetProperty("scores").GetProperty(measure).GetSingle())).ToList();
            var shown = driver.FindElements(By.CssSelector($"#list-{measure} ol li"))
                .Select(li => (li.GetAttribute("data-id"), float.Parse(li.GetAttribute("data-score")!, CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(10, shown.Count);
            Assert.Equal(expected, shown);
        }
        // The lengths differ, so the measures disagree and the page marks the rows that move.
        Assert.NotEmpty(driver.FindElements(By.CssSelector(".list li.moves")));
        Assert.Equal(explain.GetProperty("notes").GetArrayLength(), driver.FindElements(By.CssSelector("#notes li")).Count);
        Screenshot(driver, "explorer-rankings.png");

        // The map: PCA computed by Simil, coloured by genre, the query's neighbours marked — the API's coordinates.
        driver.FindElement(By.CssSelector("nav a[data-view=map]")).Click();
        Set(driver, "colour-field", "genre");
        Set(driver, "map-limit", "500");
        driver.FindElement(By.Id("map-query")).SendKeys("A dog runs on the grass.");
        Submit(driver, wait, "map-form", "mapped", "pca");
        var map = await Ok(await client.PostAsync("/api/collections/demo/map", Json("""{"limit":500,"field":"genre","query":"A dog runs on the grass.","k":10}"""), token));
        var datasets = ((IEnumerable<object>)driver.ExecuteScript(
            "return Chart.getChart('map-canvas').data.datasets.map(d => ({ label: d.label, points: d.data.map(p => [p.point.id, p.x, p.y]) }))")!)
            .Cast<IDictionary<string, object>>().ToList();
        var plotted = datasets.Where(d => !((string)d["label"]).StartsWith("the query", StringComparison.Ordinal))
            .SelectMany(d => ((IEnumerable<object>)d["points"]).Cast<IReadOnlyList<object>>())
            .ToDictionary(p => (string)p[0], p => (Convert.ToDouble(p[1], CultureInfo.InvariantCulture), Convert.ToDouble(p[2], CultureInfo.InvariantCulture)));
        Assert.Equal(map.GetProperty("points").GetArrayLength(), plotted.Count);
        foreach (var p in map.GetProperty("points").EnumerateArray())
            Assert.Equal((p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble()), plotted[p.GetProperty("id").GetString()!]);
        Assert.Equal(new[] { "captions", "forums", "news" }, datasets.Select(d => (string)d["label"]).Where(l => !l.StartsWith("the query", StringComparison.Ordinal)).Order());
        var neighbours = datasets.Single(d => (string)d["label"] == "the query's neighbours");
        Assert.Equal(map.GetProperty("neighbours").EnumerateArray().Select(n => n.GetString()).Order(),
            ((IEnumerable<object>)neighbours["points"]).Cast<IReadOnlyList<object>>().Select(p => (string)p[0]).Order());
        Assert.Single(datasets, d => (string)d["label"] == "the query");
        Screenshot(driver, "explorer-map.png");

        driver.FindElement(By.CssSelector("input[name=projection][value=umap]")).Click();
        Submit(driver, wait, "map-form", "mapped", "umap");
        var umap = ((IEnumerable<object>)driver.ExecuteScript("return Chart.getChart('map-canvas').data.datasets.flatMap(d => d.data.map(p => [p.x, p.y]))")!)
            .Cast<IReadOnlyList<object>>().ToList();
        Assert.Equal(plotted.Count + 10 + 1, umap.Count);   // every row, the 10 neighbours ringed again, and the query
        Assert.All(umap, p => Assert.True(double.IsFinite(Convert.ToDouble(p[0], CultureInfo.InvariantCulture)) && double.IsFinite(Convert.ToDouble(p[1], CultureInfo.InvariantCulture))));
        Assert.Contains("UMAP", driver.FindElement(By.Id("map-info")).Text, StringComparison.Ordinal);
        Screenshot(driver, "explorer-map-umap.png");

        // Compare: every measure as POST /api/compare gives it, with what the numbers mean.
        driver.FindElement(By.CssSelector("nav a[data-view=compare]")).Click();
        driver.ExecuteScript("delete document.body.dataset.compared");
        driver.FindElement(By.CssSelector("#compare-form button[type=submit]")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#compare-table tbody tr")).Count > 0);
        var compare = await Ok(await client.PostAsync("/api/compare", Json("""{"a":"king","b":"queen"}"""), token));
        foreach (var measure in compare.GetProperty("measures").EnumerateObject())
        {
            var cells = driver.FindElement(By.CssSelector($"#compare-table tr[data-measure={measure.Name}]")).FindElements(By.TagName("td"));
            double shown = double.Parse(cells[1].Text, CultureInfo.InvariantCulture);
            Assert.Equal(measure.Value.GetDouble(), shown, Math.Abs(measure.Value.GetDouble()) * 1e-6 + 1e-12);
        }
        // Every measure has its line on what it means.
        Assert.All(driver.FindElements(By.CssSelector("#compare-table tbody tr")), tr => Assert.NotEmpty(tr.FindElements(By.TagName("td"))[2].Text));
        Screenshot(driver, "explorer-compare.png");

        // Advice: the verdict and its plot, as POST …/advise gives them.
        driver.FindElement(By.CssSelector("nav a[data-view=advice]")).Click();
        Set(driver, "advice-label", "genre");
        Submit(driver, wait, "advice-form", "advised", "yes");
        var advice = (await Ok(await client.PostAsync("/api/collections/demo/advise", Json("""{"sample":2000,"label_field":"genre"}"""), token))).GetProperty("advice");
        string verdict = driver.FindElement(By.Id("advice-verdict")).Text;
        Assert.Contains(advice.GetProperty("compute_as_dot").GetBoolean() ? "computed as the dot product" : advice.GetProperty("recommended").GetString()!, verdict, StringComparison.Ordinal);
        Assert.Equal(advice.GetProperty("reasons").GetArrayLength(), driver.FindElements(By.CssSelector("#advice-reasons li")).Count);
        Assert.Equal(2L, driver.ExecuteScript("return ['advice-lengths', 'advice-agreement'].filter(id => Chart.getChart(id)).length"));
        Screenshot(driver, "explorer-advice.png");

        // Offline: everything the page loaded came from the server itself.
        var loaded = ((IEnumerable<object>)driver.ExecuteScript("return [location.href, ...performance.getEntriesByType('resource').map(r => r.name)]")!).Cast<string>().ToList();
        Assert.Contains(loaded, u => u.EndsWith("/explorer/lib/chart.umd.min.js", StringComparison.Ordinal));
        Assert.All(loaded, u => Assert.StartsWith(origin + "/", u, StringComparison.Ordinal));

        // The API reference page (Scalar, from the package) renders /openapi.json, also from the server alone.
        driver.Navigate().GoToUrl($"{origin}/reference/");
        wait.Until(d => ((string)((ChromeDriver)d).ExecuteScript("return document.body.innerText")!) is var text
            && text.Contains("/healthz", StringComparison.Ordinal) && text.Contains("Collections", StringComparison.Ordinal) && text.Contains("Analysis", StringComparison.Ordinal));
        var reference = ((IEnumerable<object>)driver.ExecuteScript("return [location.href, ...performance.getEntriesByType('resource').map(r => r.name)]")!).Cast<string>().ToList();
        Assert.Contains(reference, u => u.EndsWith("/openapi.json", StringComparison.Ordinal));
        Assert.All(reference, u => Assert.StartsWith(origin + "/", u, StringComparison.Ordinal));
        Screenshot(driver, "reference.png");
    }
}
