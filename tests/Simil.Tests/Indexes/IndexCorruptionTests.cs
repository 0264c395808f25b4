namespace Simil.Tests.Indexes;

/// <summary>
/// Broken index files: every flipped byte, every truncation, a future version, a wrong file — each
/// one error naming the file, never a crash or a wrong answer from a file that claims to be whole.
/// </summary>
public sealed class IndexCorruptionTests
{
    static byte[] SmallIndex(bool hnsw)
    {
        var corpus = IndexTestData.Clustered(40, 6, 71, keys: true);
        var path = IndexTestData.TempPath();
        try
        {
            if (hnsw)
                HnswIndex.Build(corpus, Metric.Cosine, new HnswOptions { M = 4, EfConstruction = 10 }, TestContext.Current.CancellationToken).Save(path);
            else
                new FlatIndex(corpus, Metric.Dot).Save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Opens and verifies <paramref name="bytes"/> as a file; returns the error, or null when it is accepted.</summary>
    static InputException? OpenAndVerify(byte[] bytes, string path)
    {
        File.WriteAllBytes(path, bytes);
        try
        {
            using var index = VectorIndex.Open(path);
            index.Verify();
            _ = index.Search(new float[index.Dimensions], 3);
            return null;
        }
        catch (InputException e)
        {
            return e;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_flipped_byte_is_found(bool hnsw)
    {
        var original = SmallIndex(hnsw);
        var path = IndexTestData.TempPath();
        try
        {
            Assert.Null(OpenAndVerify(original, path));
            for (int at = 0; at < original.Length; at++)
            {
                var broken = (byte[])original.Clone();
                broken[at] ^= (byte)(1 << (at % 8));
                var error = OpenAndVerify(broken, path);
                Assert.True(error is not null, $"a flipped bit at byte {at} of {original.Length} went unnoticed");
                Assert.StartsWith(path, error.Message);
                Assert.DoesNotContain('\n', error.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A program can point at the fault without parsing the message: the file, the section and the byte offset come as values.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_damaged_section_is_a_format_error_carrying_file_section_and_offset(bool hnsw)
    {
        var original = SmallIndex(hnsw);
        var path = IndexTestData.TempPath();
        try
        {
            File.WriteAllBytes(path, original);
            string last;
            using (var index = VectorIndex.Open(path))
                last = index.Info!.Sections[^1].Id;
            var broken = (byte[])original.Clone();
            broken[^1] ^= 0x10;
            var error = Assert.IsType<FileFormatException>(OpenAndVerify(broken, path));
            Assert.Equal(path, error.File);
            Assert.Equal(last, error.Section);
            Assert.True(error.Offset is > 24 && error.Offset < original.Length, $"offset {error.Offset}");
            Assert.Equal($"{path}: byte {error.Offset}: {error.Detail}", error.Message);

            broken = (byte[])original.Clone();
            broken[25] ^= 1;   // the header's own checksum
            error = Assert.IsType<FileFormatException>(OpenAndVerify(broken, path));
            Assert.Equal((path, (long?)24, (string?)null), (error.File, error.Offset, error.Section));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_truncation_is_found_on_open()
    {
        var original = SmallIndex(hnsw: true);
        var path = IndexTestData.TempPath();
        try
        {
            for (int length = 0; length < original.Length; length += length < 200 ? 1 : 97)
            {
                File.WriteAllBytes(path, original[..length]);
                var error = Assert.Throws<FileFormatException>(() => VectorIndex.Open(path));
                Assert.StartsWith(path, error.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_future_version_says_to_upgrade()
    {
        var bytes = SmallIndex(hnsw: false);
        bytes[8] = 2;
        bytes[10] = 0;   // minor version 0: the message names 2.0
        var path = IndexTestData.TempPath();
        try
        {
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<FileFormatException>(() => VectorIndex.Open(path));
            Assert.Contains("version 2.0 is not supported", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_of_another_kind_is_not_an_index()
    {
        var path = IndexTestData.TempPath();
        try
        {
            File.WriteAllText(path, "[1, 2, 3]\n[4, 5, 6]\n[7, 8, 9]\n[1, 1, 1]\n[2, 2, 2]\n[3, 3, 3]\n");
            var error = Assert.Throws<FileFormatException>(() => VectorIndex.Open(path));
            Assert.Contains("not a Simil index file", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
