using Simil.Collections;

namespace Simil.Tests.Collections;

/// <summary>Deletion bitmaps: what is written reads back; every flipped byte, a wrong segment or bits past the end are refused.</summary>
public sealed class DeletionFileTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(200)]
    public void A_bitmap_reads_back_and_every_flipped_byte_is_found(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-del-{Guid.NewGuid():N}");
        var words = new ulong[DeletionFile.Words(rows)];
        for (int r = 0; r < rows; r += 3)
            words[r / 64] |= 1UL << (r % 64);
        try
        {
            DeletionFile.Write(path, words, rows);
            Assert.Equal(words, DeletionFile.Read(path, rows));
            Assert.Contains("its segment has", Assert.Throws<FileFormatException>(() => DeletionFile.Read(path, rows + 64)).Message, StringComparison.Ordinal);
            var bytes = File.ReadAllBytes(path);
            for (int at = 0; at < bytes.Length; at++)
            {
                if (at is >= 12 and < 16)
                    continue;   // reserved
                var broken = (byte[])bytes.Clone();
                broken[at] ^= 0x10;
                File.WriteAllBytes(path, broken);
                var e = Assert.Throws<FileFormatException>(() => DeletionFile.Read(path, rows));
                Assert.Equal(path, e.File);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bits_past_the_last_row_are_refused_when_written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-del-{Guid.NewGuid():N}");
        try
        {
            DeletionFile.Write(path, [1UL << 10], 10);
            Assert.Contains("past the segment's last row", Assert.Throws<FileFormatException>(() => DeletionFile.Read(path, 10)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
