using Simil.Cli.Tests;
using Simil.Testing;

namespace Simil.Postgres.Tests;

/// <summary>The README's database section shows what the tool prints.</summary>
public sealed class ReadmeTests(PostgresServer server)
{
    [Fact]
    public async Task The_readme_shows_what_search_prints_on_the_exported_sentences()
    {
        // The README's sentences.txt: the STS-B test sentences, both columns, first occurrences in order.
        var sentences = File.ReadLines(Repository.SharedData("stsbenchmark", "sts-test.csv"))
            .SelectMany(line => line.Split('\t').Skip(5).Take(2))
            .Where(s => s.Length > 0).Distinct().ToArray();
        Assert.Equal(2552, sentences.Length);
        using var files = new TempFiles();
        File.WriteAllLines(files.Path("sentences.txt"), sentences);
        var build = await SimilProcess.RunAsync("index", "build", files.Path("sentences.txt"), "--out", files.Path("sentences.simil"));
        Assert.Equal(0, build.ExitCode);
        server.Execute("DROP TABLE IF EXISTS sentences");
        string source = server.Source("sentences", "embedding", "&key=sentence");
        var export = await SimilProcess.RunAsync("index", "export", files.Path("sentences.simil"), source, "--create-index", "hnsw");
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("2,552 rows × 384 copied into a new table\nCREATE INDEX ON \"sentences\" USING hnsw (\"embedding\" vector_cosine_ops)\n", export.Stdout, StringComparison.Ordinal);
        var search = await SimilProcess.RunAsync("search", source, "--query", "A man is playing a guitar.", "-k", "5");
        Assert.Equal(0, search.ExitCode);
        var readme = File.ReadAllText(Repository.Path("README.md"));
        // The model's vectors differ in their last bits between CPUs: numbers within ReadmeOutput.Tolerance.
        string shown = ReadmeOutput.After(readme, "search \"postgres://postgres@127.0.0.1:55432/simil?table=sentences&column=embedding&key=sentence\" --query \"A man is playing a guitar.\" -k 5");
        Assert.Null(ReadmeOutput.Difference(shown, search.Stdout));
    }
}
