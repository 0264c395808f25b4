using System.Buffers.Binary;

namespace Simil.Cli.Tests;

/// <summary>
/// Item 3 of issue 21: the tool checks an index's checksums once per file identity (path, length,
/// modification time, header checksum), not before every query; build and add record the file they
/// wrote; <c>index verify</c> always reads everything (docs/index-format.md, "When checksums are checked").
/// </summary>
public sealed class VerifyOnceTests
{
    static string Rows(int count) => string.Concat(Enumerable.Range(0, count).Select(r => $"k{r} {r % 7 - 3} {r % 5} {r % 3 - 1} 1\n"));

    /// <summary>Flips a byte in the middle of the VECT section, in place (the length stays).</summary>
    static void Damage(string path)
    {
        var bytes = File.ReadAllBytes(path);
        uint sections = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        for (int i = 0; i < sections; i++)
        {
            var entry = bytes.AsSpan(32 + 32 * i, 32);
            if (entry[..4].SequenceEqual("VECT"u8))
            {
                long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), length = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.Position = offset + length / 2;
                stream.WriteByte((byte)(bytes[offset + length / 2] ^ 0x40));
                return;
            }
        }
        throw new InvalidOperationException("no VECT section");
    }

    [Fact]
    public async Task Build_records_its_file_and_a_changed_file_is_verified_again()
    {
        using var files = new TempFiles();
        var cache = new Dictionary<string, string> { ["SIMIL_CACHE"] = files.Path("cache") };
        var index = files.Path("v.simil");
        var built = await SimilProcess.RunAsync(cache, "index", "build", files.Write("v.w2v", $"200 4\n{Rows(200)}"), "--out", index);
        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.Contains(" " + Path.GetFullPath(index), File.ReadAllText(files.Path("cache/verified-indexes")), StringComparison.Ordinal);
        Assert.Equal(0, (await SimilProcess.RunAsync(cache, "search", index, "--query", "k3", "-k", "3")).ExitCode);

        // Damage through the file system changes the modification time: the next query reads everything.
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Damage(index);
        File.SetLastWriteTimeUtc(index, DateTime.UtcNow.AddSeconds(1));
        var damaged = await SimilProcess.RunAsync(cache, "search", index, "--query", "k3", "-k", "3");
        Assert.Contains("section VECT", SimilProcess.AssertOneLineError(damaged, 2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_file_is_not_hashed_again_and_verify_still_reads_everything()
    {
        using var files = new TempFiles();
        var cache = new Dictionary<string, string> { ["SIMIL_CACHE"] = files.Path("cache") };
        var index = files.Path("v.simil");
        Assert.Equal(0, (await SimilProcess.RunAsync(cache, "index", "build", files.Write("v.w2v", $"200 4\n{Rows(200)}"), "--out", index)).ExitCode);
        // Bits rotting on the disk keep the length and the time: a query does not see them (it reads
        // only what it needs)...
        var time = File.GetLastWriteTimeUtc(index);
        Damage(index);
        File.SetLastWriteTimeUtc(index, time);
        var search = await SimilProcess.RunAsync(cache, "search", index, "--query", "k3", "-k", "3");
        Assert.True(search.ExitCode == 0, search.Stderr);
        // ...index verify does, and so does a query with another cache (the file met for the first time).
        Assert.Contains("section VECT", SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(cache, "index", "verify", index), 2), StringComparison.Ordinal);
        var fresh = new Dictionary<string, string> { ["SIMIL_CACHE"] = files.Path("other-cache") };
        Assert.Contains("section VECT", SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(fresh, "search", index, "--query", "k3"), 2), StringComparison.Ordinal);
    }
}
