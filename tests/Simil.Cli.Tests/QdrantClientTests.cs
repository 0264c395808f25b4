using System.Diagnostics;
using System.Text.Json;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 23: Qdrant's official JavaScript client (<c>@qdrant/js-client-rest</c> from npm, under
/// Node.js) drives <c>simil serve</c> — <c>tests/qdrant-client/check.mjs</c> checks every answer
/// against float64 values and Simil's own API — then LangChain's Qdrant integration
/// (<c>langchain.mjs</c>, <c>@langchain/qdrant</c>) stores, searches, filters and deletes through it,
/// and what they wrote is then a collection the CLI reads.
/// Node.js and npm are required (CI installs them); the client is installed with <c>npm ci</c> from
/// the committed lock file when it is missing.
/// </summary>
public sealed class QdrantClientTests
{
    static readonly string Folder = Repository.Path("tests", "qdrant-client");

    static async Task<(int Code, string Out, string Err)> Run(string file, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is required for this test (CI installs Node.js and npm from Debian): {e.Message}", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);   // stopped by its PID, never left running
                throw;
            }
            return (process.ExitCode, await output, await error);
        }
    }

    [Fact]
    public async Task Qdrants_own_client_works_against_the_server_and_the_cli_reads_what_it_wrote()
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", "@qdrant", "js-client-rest", "package.json")))
        {
            var install = await Run("npm", ["ci", "--no-audit", "--no-fund"], Folder);
            Assert.True(install.Code == 0, $"npm ci: {install.Err}");
        }
        using var files = new TempFiles();
        var home = files.Path("data");
        Directory.CreateDirectory(home);
        await using (var server = await ServerProcess.Start(home))
        {
            var (code, output, error) = await Run("node", ["check.mjs", server.Client.BaseAddress!.ToString().TrimEnd('/')], Folder);
            Assert.True(code == 0, $"check.mjs exited {code}:\n{error}\n{output}");
            var checks = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Equal(12, checks.Count);
            Assert.Empty(error.Trim());   // no warning from the client (its version check included)

            // LangChain's Qdrant integration on the same server, with simil's /api/embed as its embeddings.
            var langchain = await Run("node", ["langchain.mjs", server.Client.BaseAddress!.ToString().TrimEnd('/')], Folder);
            Assert.True(langchain.Code == 0, $"langchain.mjs exited {langchain.Code}:\n{langchain.Err}\n{langchain.Out}");
            Assert.Contains("\"langchain\":\"passed\"", langchain.Out, StringComparison.Ordinal);
        }
        // What the client made is a collection: the CLI reads it, the removed ones are gone whole.
        Assert.Equal(["docs", "langchain"], Directory.GetFileSystemEntries(home).Select(Path.GetFileName).Order());
        var info = await SimilProcess.RunAsync("index", "info", Path.Combine(home, "docs"), "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        var search = await SimilProcess.RunAsync("search", Path.Combine(home, "docs"), "--query", "[0.3,-0.2,0.9,0.1,0.4,-0.5]", "-k", "1", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        Assert.Equal("3", JsonDocument.Parse(search.Stdout).RootElement.GetProperty("results")[0].GetProperty("id").GetString());
    }
}
