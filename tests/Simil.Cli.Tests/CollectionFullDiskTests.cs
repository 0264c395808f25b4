using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Simil.Cli.Tests;

/// <summary>
/// Issue 22, reliability: the disk fills during a write, during a compaction, and during the flush a
/// write starts. The disk is "filled" by a file size limit (<see cref="SimilProcess.RunWithFileLimitAsync"/>:
/// EFBIG where a full disk gives ENOSPC; both are a write the file system refuses, and the code has
/// one path for them). A refused write or compaction is one line, exit 2, and leaves every file of
/// the collection as it was; a write whose flush is refused lands (in the log) with a warning.
/// </summary>
public sealed class CollectionFullDiskTests
{
    static string Rows(int from, int count, string lang)
    {
        var random = new Random(from);
        var text = new StringBuilder();
        for (int i = from; i < from + count; i++)
            text.Append(CultureInfo.InvariantCulture, $"{{\"id\":\"r{i}\",\"lang\":\"{lang}\",\"vector\":[{string.Join(",", Enumerable.Range(0, 64).Select(_ => (random.NextSingle() * 2 - 1).ToString("R", CultureInfo.InvariantCulture)))}]}}\n");
        return text.ToString();
    }

    /// <summary>Every file of the collection but its lock, by name, with a hash of its bytes.</summary>
    static Dictionary<string, string> Files(string folder) =>
        Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != "LOCK")
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    static async Task<long> Live(string folder)
    {
        var info = await SimilProcess.RunAsync("index", "info", folder, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        return JsonDocument.Parse(info.Stdout).RootElement.GetProperty("live").GetInt64();
    }

    /// <summary>Every live row's id and vector, as an exact search for the zero vector lists them (all of them, in id order).</summary>
    static async Task<List<string>> LiveRows(string folder)
    {
        var search = await SimilProcess.RunAsync("search", folder, "--query", $"[{string.Join(",", Enumerable.Repeat("0.5", 64))}]", "-k", "5000", "--exact", "--json");
        Assert.True(search.ExitCode == 0, search.Stderr);
        return [.. JsonDocument.Parse(search.Stdout).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => $"{r.GetProperty("id").GetString()} {r.GetProperty("score").GetRawText()}").Order(StringComparer.Ordinal)];
    }

    static async Task Verify(string folder)
    {
        var verify = await SimilProcess.RunAsync("index", "verify", folder);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    [Fact]
    public async Task A_full_disk_during_a_write_or_a_compaction_changes_nothing()
    {
        using var files = new TempFiles();
        var coll = files.Path("coll");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", files.Write("a.jsonl", Rows(0, 1_000, "pt")), "--out", coll)).ExitCode);
        var more = files.Write("b.jsonl", Rows(5_000, 500, "en"));

        // A write: its log record (500 rows × 64 floats, > 128 KiB) cannot be written.
        var before = Files(coll);
        var refused = await SimilProcess.RunWithFileLimitAsync(64, "index", "upsert", coll, more);
        var line = SimilProcess.AssertOneLineError(refused, 2);
        Assert.Contains("cannot be written", line, StringComparison.Ordinal);
        Assert.Contains("the write was not made", line, StringComparison.Ordinal);
        Assert.Equal(before, Files(coll));
        Assert.Equal(1_000, await Live(coll));
        await Verify(coll);

        // A compaction: the merged segment (700 rows, > 175 KiB) cannot be written. (Its first step,
        // the flush of the log's deletions into a small bitmap file, fits: the rows stay the same.)
        var deleted = await SimilProcess.RunAsync(["index", "delete", coll, "--id", .. Enumerable.Range(0, 300).Select(i => $"r{i}")]);
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        var rowsBefore = await LiveRows(coll);
        var segmentsBefore = Directory.GetFiles(coll, "seg-*.simil").Order().ToList();
        var compact = await SimilProcess.RunWithFileLimitAsync(64, "index", "compact", coll);
        Assert.Contains("cannot be written", SimilProcess.AssertOneLineError(compact, 2), StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await LiveRows(coll));
        Assert.Equal(segmentsBefore, Directory.GetFiles(coll, "seg-*.simil").Order().ToList());
        Assert.Empty(Directory.GetFiles(coll, ".*tmp*"));
        Assert.Equal(700, await Live(coll));
        await Verify(coll);
        var compacted = await SimilProcess.RunAsync("index", "compact", coll);
        Assert.True(compacted.ExitCode == 0, compacted.Stderr);
        Assert.Equal(700, await Live(coll));
        await Verify(coll);
    }

    [Fact]
    public async Task A_write_whose_flush_finds_the_disk_full_lands_in_the_log_with_a_warning()
    {
        using var files = new TempFiles();
        var rows = files.Write("a.jsonl", Rows(0, 200, "pt"));
        var seed = files.Write("s.jsonl", Rows(9_000, 1, "pt"));
        // How large the log record and the segment of these 200 rows are, measured on a twin.
        var twin = files.Path("twin");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", seed, "--out", twin, "--kind", "hnsw", "--flush-rows", "1000")).ExitCode);
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "upsert", twin, rows)).ExitCode);
        long log = JsonDocument.Parse((await SimilProcess.RunAsync("index", "info", twin, "--json")).Stdout).RootElement.GetProperty("log_bytes").GetInt64();
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "compact", twin)).ExitCode);
        long segment = Directory.GetFiles(twin, "seg-*").Select(f => new FileInfo(f).Length).Max();
        Assert.True(segment > log + 4096, $"the test needs a segment ({segment:N0} bytes) larger than the log record ({log:N0})");
        long limit = (log + segment) / 2 / 1024;

        var coll = files.Path("coll");
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "build", seed, "--out", coll, "--kind", "hnsw", "--flush-rows", "200")).ExitCode);
        var landed = await SimilProcess.RunWithFileLimitAsync(limit, "index", "upsert", coll, rows);
        Assert.Equal(0, landed.ExitCode);
        Assert.Contains("200 rows upserted (0 replaced); 201 rows live", landed.Stdout, StringComparison.Ordinal);
        Assert.Contains("simil: warning:", landed.Stderr, StringComparison.Ordinal);
        Assert.Contains("the rows are safe in the log", landed.Stderr, StringComparison.Ordinal);
        var info = JsonDocument.Parse((await SimilProcess.RunAsync("index", "info", coll, "--json")).Stdout).RootElement;
        Assert.Equal((201, 200), (info.GetProperty("live").GetInt32(), info.GetProperty("log_rows").GetInt32()));
        await Verify(coll);
        var got = await SimilProcess.RunAsync("index", "get", coll, "r7", "--json");
        Assert.True(got.ExitCode == 0, got.Stderr);
        // With room again, a compaction writes the log out as a segment.
        Assert.Equal(0, (await SimilProcess.RunAsync("index", "compact", coll)).ExitCode);
        info = JsonDocument.Parse((await SimilProcess.RunAsync("index", "info", coll, "--json")).Stdout).RootElement;
        Assert.Equal((201, 0), (info.GetProperty("live").GetInt32(), info.GetProperty("log_rows").GetInt32()));
        await Verify(coll);
    }
}
