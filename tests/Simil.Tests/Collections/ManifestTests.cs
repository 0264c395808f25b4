using System.Text;
using Simil.Collections;

namespace Simil.Tests.Collections;

/// <summary>The manifest and CURRENT: what is committed reads back; damage and names that leave the folder are refused in one line.</summary>
public sealed class ManifestTests
{
    static Manifest Sample(long generation) => new()
    {
        Generation = generation,
        Dimensions = 384,
        Build = new IndexBuildOptions { Metric = Metric.Dot, Kind = VectorIndexKind.Hnsw, Precision = Quantization.Precision.Int8, Rescore = true, M = 12, EfConstruction = 90, Seed = -3 },
        Model = "all-MiniLM-L6-v2",
        Segments = [new("seg-000001.simil", 1000, "seg-000001.del-000004", 17), new("seg-000003.simil", 20, null, 0)],
        Log = $"wal-{generation:D6}.log",
        LogStart = 77,
        NextFile = generation + 1,
        FlushRows = 5000,
        CompactDeleted = 0.3,
    };

    static string Folder() => Directory.CreateTempSubdirectory("simil-coll-").FullName;

    [Fact]
    public void A_committed_manifest_reads_back_and_current_names_the_newest()
    {
        var folder = Folder();
        try
        {
            Sample(4).Commit(folder);
            var read = Manifest.ReadCurrent(folder);
            Assert.Equal(Sample(4) with { Segments = read.Segments }, read);
            Assert.Equal(Sample(4).Segments, read.Segments);
            Sample(9).Commit(folder);
            Assert.Equal(9, Manifest.ReadCurrent(folder).Generation);
            Assert.True(File.Exists(Path.Combine(folder, "MANIFEST-000004")));
            Assert.Matches("^MANIFEST-000009 [0-9a-f]{16}\n$", File.ReadAllText(Path.Combine(folder, "CURRENT")));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Damage_and_names_outside_the_folder_are_refused()
    {
        var folder = Folder();
        try
        {
            Assert.Contains("has no CURRENT file", Assert.Throws<FileFormatException>(() => Manifest.ReadCurrent(folder)).Message, StringComparison.Ordinal);
            Sample(2).Commit(folder);
            var manifest = Path.Combine(folder, "MANIFEST-000002");
            var bytes = File.ReadAllBytes(manifest);
            bytes[bytes.Length / 2] ^= 1;
            File.WriteAllBytes(manifest, bytes);
            var e = Assert.Throws<FileFormatException>(() => Manifest.ReadCurrent(folder));
            Assert.Equal(manifest, e.File);
            Assert.Contains("hash does not match", e.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(folder, "CURRENT"), "MANIFEST-000002\n");
            Assert.Contains("expected 'MANIFEST-n", Assert.Throws<FileFormatException>(() => Manifest.ReadCurrent(folder)).Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "CURRENT"), "MANIFEST-000005 0000000000000000\n");
            Assert.Contains("does not exist", Assert.Throws<FileFormatException>(() => Manifest.ReadCurrent(folder)).Message, StringComparison.Ordinal);

            var leaving = Encoding.UTF8.GetString(Sample(2).ToJson()).Replace("\"wal-000002.log\"", "\"../../etc/passwd\"", StringComparison.Ordinal);
            var error = Assert.Throws<FileFormatException>(() => Manifest.Parse(Encoding.UTF8.GetBytes(leaving), "m"));
            Assert.Contains("not a file name inside the collection", error.Message, StringComparison.Ordinal);
            var future = Encoding.UTF8.GetString(Sample(2).ToJson()).Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal);
            Assert.Contains("upgrade simil", Assert.Throws<FileFormatException>(() => Manifest.Parse(Encoding.UTF8.GetBytes(future), "m")).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
