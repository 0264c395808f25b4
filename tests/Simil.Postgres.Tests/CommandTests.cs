using Simil.Cli.Tests;

namespace Simil.Postgres.Tests;

/// <summary>The tool on postgres:// sources, run as a user runs it: answers, and bad input as one line.</summary>
public sealed class CommandTests(PostgresServer server)
{
    void Items()
    {
        server.Execute("""
            DROP TABLE IF EXISTS items;
            CREATE TABLE items (id int PRIMARY KEY, name text, embedding vector(3), loose vector, note text);
            INSERT INTO items VALUES (1, 'a', '[1,0,0]', '[1,2]', 'x'), (2, 'b', '[0,1,0]', '[1,2,3]', 'y'), (3, 'c', '[1,1,0]', NULL, 'z');
            GRANT SELECT ON items TO app;
            """);
    }

    [Fact]
    public async Task Search_compare_advise_and_index_build_read_the_table()
    {
        Items();
        var search = await SimilProcess.RunAsync("search", server.Source("items", "embedding", "&key=name"), "--query", "a", "-k", "2", "--json");
        Assert.Equal(0, search.ExitCode);
        Assert.Contains("\"key\":\"c\"", search.Stdout, StringComparison.Ordinal);
        var compare = await SimilProcess.RunAsync("compare", "a", "c", "--vectors", server.Source("items", "embedding", "&key=name"), "--json");
        Assert.Equal(0, compare.ExitCode);
        Assert.Contains("\"cosine\":0.70710", compare.Stdout, StringComparison.Ordinal);
        var advise = await SimilProcess.RunAsync("advise", server.Source("items", "embedding"), "--json");
        Assert.Equal(0, advise.ExitCode);
        Assert.Contains("\"recommended\"", advise.Stdout, StringComparison.Ordinal);
        using var files = new TempFiles();
        var build = await SimilProcess.RunAsync("index", "build", server.Source("items", "embedding", "&key=name&where=id%3E1"), "--out", files.Path("i.simil"));
        Assert.Equal(0, build.ExitCode);
        Assert.StartsWith($"{files.Path("i.simil")}: 2 rows × 3", build.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A table builds and updates a collection: key= gives the ids, columns= the metadata (as the server types it), which --where filters on.</summary>
    [Fact]
    public async Task A_table_builds_and_updates_a_collection_with_ids_and_metadata()
    {
        server.Execute("""
            DROP TABLE IF EXISTS docs;
            CREATE TABLE docs (doc text PRIMARY KEY, lang text, year int, published date, draft boolean, "it's" text, embedding vector(3));
            INSERT INTO docs VALUES
              ('d1', 'pt', 2019, '2019-05-01', false, 'q1', '[1,0,0]'),
              ('d2', 'en', 2021, '2021-01-15', true,  'q2', '[0.9,0.1,0]'),
              ('d3', 'pt', 2012, '2012-07-30', false, NULL, '[0.8,0.2,0]'),
              ('d4', 'es', 2023, '2023-03-03', false, 'q4', '[0,1,0]');
            """);
        using var files = new TempFiles();
        string collection = files.Path("docs");
        string uri = server.Source("docs", "embedding", "&key=doc&columns=lang,year,published,draft,it%27s&where=doc%20%3C%3E%20%27d4%27");
        var build = await SimilProcess.RunAsync("index", "build", uri, "--out", collection);
        Assert.True(build.ExitCode == 0, build.Stderr);
        var get = await SimilProcess.RunAsync("index", "get", collection, "d1", "--json");
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Contains("\"year\":2019", get.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"published\":\"2019-05-01\"", get.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"draft\":false", get.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"it's\":\"q1\"", get.Stdout, StringComparison.Ordinal);
        var search = await SimilProcess.RunAsync("search", collection, "--query", "[1,0,0]", "-k", "5", "--where", """{"lang":"pt","published":{"$gte":"2015-01-01"}}""", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Contains("\"d1\"", search.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d3\"", search.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d2\"", search.Stdout, StringComparison.Ordinal);

        server.Execute("UPDATE docs SET year = 2024 WHERE doc = 'd2'");
        var upsert = await SimilProcess.RunAsync("index", "upsert", collection, server.Source("docs", "embedding", "&key=doc&columns=lang,year&where=doc%20IN%20(%27d2%27,%27d4%27)"));
        Assert.True(upsert.ExitCode == 0, upsert.Stderr);
        Assert.Contains("2 rows upserted (1 replaced); 4 rows live", upsert.Stdout, StringComparison.Ordinal);
        var recent = await SimilProcess.RunAsync("search", collection, "--query", "[0,1,0]", "-k", "5", "--where", """{"year":{"$gt":2022}}""", "--json");
        Assert.Contains("\"d2\"", recent.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"d4\"", recent.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d1\"", recent.Stdout, StringComparison.Ordinal);

        var unknown = await SimilProcess.RunAsync("index", "upsert", collection, server.Source("docs", "embedding", "&key=doc&columns=lang,nope"));
        Assert.Contains("has no column 'nope' for columns=", SimilProcess.AssertOneLineError(unknown, 2), StringComparison.Ordinal);
        var noKey = await SimilProcess.RunAsync("index", "upsert", collection, server.Source("docs", "embedding"));
        Assert.Contains("add key=COLUMN", SimilProcess.AssertOneLineError(noKey, 2), StringComparison.Ordinal);
        var info = await SimilProcess.RunAsync("index", "info", collection, "--json");
        Assert.Contains("\"live\":4", info.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_comes_from_PGPASSWORD_or_pgpass_and_is_never_printed()
    {
        Items();
        string source = $"postgres://app@{server.Host}:{server.Port}/simil?table=items&column=embedding";
        var withEnv = await SimilProcess.RunAsync(new Dictionary<string, string> { ["PGPASSWORD"] = "s3cret-pw" }, "search", source, "--query", "[1,0,0]", "-k", "1");
        Assert.Equal(0, withEnv.ExitCode);
        using var files = new TempFiles();
        string pgpass = files.Write("pgpass", $"{server.Host}:{server.Port}:simil:app:s3cret-pw\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(pgpass, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var withFile = await SimilProcess.RunAsync(new Dictionary<string, string> { ["PGPASSFILE"] = pgpass }, "search", source, "--query", "[1,0,0]", "-k", "1");
        Assert.Equal(0, withFile.ExitCode);
        // A wrong dimension with the password in the URI: the message names the source without it.
        var error = await SimilProcess.RunAsync("search", $"postgres://app:s3cret-pw@{server.Host}:{server.Port}/simil?table=items&column=embedding", "--query", "[1,0,0,1]");
        string line = SimilProcess.AssertOneLineError(error, 2);
        Assert.DoesNotContain("s3cret", line, StringComparison.Ordinal);
        Assert.Contains($"postgres://app@{server.Host}:{server.Port}/simil?table=items&column=embedding", line, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadSources => new()
    {
        { "unreachable", "postgres://postgres@127.0.0.1:1/simil?table=items&column=embedding", "cannot reach the server" },
        { "wrong password", "postgres://app:not-it@HOST/simil?table=items&column=embedding", "authentication refused: password authentication failed" },
        { "no password", "postgres://app@HOST/simil?table=items&column=embedding", "authentication refused" },
        { "missing table", "postgres://postgres@HOST/simil?table=nothing_here&column=embedding", "no table \"nothing_here\"" },
        { "missing column", "postgres://postgres@HOST/simil?table=items&column=emb", "has no column 'emb' (its columns: id integer, name text, embedding vector(3)" },
        { "not a vector column", "postgres://postgres@HOST/simil?table=items&column=note", "column 'note' is text, not a vector, halfvec or bit column" },
        { "NULL vector", "postgres://postgres@HOST/simil?table=items&column=loose&where=id%3C%3E2", "has a NULL loose; add where=loose IS NOT NULL" },
        { "mixed dimensions", "postgres://postgres@HOST/simil?table=items&column=loose", "has 3 dimensions but the rows before it have 2" },
        { "failing where", "postgres://postgres@HOST/simil?table=items&column=embedding&where=idd%3E1", "the query failed (check where=idd>1): column \"idd\" does not exist" },
        { "missing database", "postgres://postgres@HOST/nodb?table=items&column=embedding", "database \"nodb\" does not exist" },
        { "no column named", "postgres://postgres@HOST/simil?table=items", "names no column" },
        { "missing key column", "postgres://postgres@HOST/simil?table=items&column=embedding&key=nope", "has no column 'nope' for key=" },
    };

    [Theory]
    [MemberData(nameof(BadSources))]
    public async Task Bad_sources_are_one_line_naming_the_source_without_its_password(string what, string source, string expected)
    {
        Items();
        source = source.Replace("HOST", $"{server.Host}:{server.Port}", StringComparison.Ordinal);
        foreach (var args in new[] { new[] { "search", source, "--query", "[1,0,0]" }, ["advise", source], ["audit", source, "--sample", "2"] })
        {
            var result = await SimilProcess.RunAsync(args);
            string line = SimilProcess.AssertOneLineError(result, 2);
            Assert.True(line.Contains(expected, StringComparison.Ordinal), $"{what}, simil {args[0]}: expected '{expected}' in: {line}");
            Assert.Contains(PostgresSource.RedactPasswords(source.Split("&where")[0]), line, StringComparison.Ordinal);
            Assert.DoesNotContain("not-it", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Audit_refuses_a_key_that_repeats()
    {
        server.Execute("DROP TABLE IF EXISTS repeated; CREATE TABLE repeated (tag text, embedding vector(2)); INSERT INTO repeated VALUES ('a', '[1,0]'), ('a', '[0,1]'), ('b', '[1,1]')");
        var result = await SimilProcess.RunAsync("audit", server.Source("repeated", "embedding", "&key=tag"));
        Assert.Contains("key=tag repeats among the rows", SimilProcess.AssertOneLineError(result, 2), StringComparison.Ordinal);
        var byCtid = await SimilProcess.RunAsync("audit", server.Source("repeated", "embedding"), "--json");
        Assert.True(byCtid.ExitCode == 0, byCtid.Stderr);
        Assert.Contains("\"recall\":1,", byCtid.Stdout, StringComparison.Ordinal);
    }
}
