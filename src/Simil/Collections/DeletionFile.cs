using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Simil.Collections;

/// <summary>
/// Which rows of a segment are deleted (<c>docs/collection-format.md</c>): a bitmap of one bit a
/// row, written once (temp + fsync + rename) as <c>seg-n.del-m</c> and never edited; a later change
/// writes a new file and the manifest names it.
/// </summary>
public static class DeletionFile
{
    const int HeaderBytes = 40;
    static ReadOnlySpan<byte> Magic => "SIMILDEL"u8;

    /// <summary>The file name of segment <paramref name="segment"/>'s deletions as of manifest <paramref name="generation"/>.</summary>
    public static string Name(long segment, long generation) => $"seg-{segment:D6}.del-{generation:D6}";

    /// <summary>Writes <paramref name="deleted"/> (⌈rows / 64⌉ words, bit r of word r / 64 set for a deleted row) for a segment of <paramref name="rows"/> rows.</summary>
    public static void Write(string path, ReadOnlySpan<ulong> deleted, int rows)
    {
        if (deleted.Length != Words(rows))
            throw new ArgumentException($"{deleted.Length} words for {rows} rows; expected {Words(rows)}", nameof(deleted));
        var bits = MemoryMarshal.AsBytes(deleted);
        var bytes = new byte[HeaderBytes + bits.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), rows);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), Count(deleted));
        bits.CopyTo(bytes.AsSpan(HeaderBytes));
        if (!BitConverter.IsLittleEndian)
            for (int w = 0; w < deleted.Length; w++)
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(HeaderBytes + 8 * w), deleted[w]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(32), XxHash3.HashToUInt64(bytes.AsSpan(HeaderBytes)));
        IO.AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Reads the deletions of a segment of <paramref name="rows"/> rows, checking magic, size, hash and count.</summary>
    /// <exception cref="FileFormatException">The file is damaged or belongs to another segment.</exception>
    public static ulong[] Read(string path, int rows)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new FileFormatException(path, "", "the manifest names this deletion file but it does not exist (the collection is damaged)");
        }
        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw IO.FileError.Byte(path, 0, "not a Simil deletion file (it does not start with SIMILDEL)");
        if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != 1)
            throw IO.FileError.Byte(path, 8, $"deletion file version {BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8))} is not one this simil reads (1)");
        long count = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        if (count != rows || bytes.Length != HeaderBytes + 8L * Words(rows))
            throw IO.FileError.Byte(path, 16, $"the file is for {count} rows ({bytes.Length} bytes), but its segment has {rows}");
        if (XxHash3.HashToUInt64(bytes.AsSpan(HeaderBytes)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(32)))
            throw IO.FileError.Byte(path, HeaderBytes, "the bitmap does not match its checksum: it is damaged");
        var words = new ulong[Words(rows)];
        for (int w = 0; w < words.Length; w++)
            words[w] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(HeaderBytes + 8 * w));
        if (Count(words) != BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)))
            throw IO.FileError.Byte(path, 24, "the count of deleted rows does not match the bitmap: it is damaged");
        if (rows % 64 != 0 && words.Length > 0 && (words[^1] >> (rows % 64)) != 0)
            throw IO.FileError.Byte(path, HeaderBytes + 8L * (words.Length - 1), "bits are set past the segment's last row: it is damaged");
        return words;
    }

    /// <summary>The words of a bitmap of <paramref name="rows"/> rows.</summary>
    public static int Words(int rows) => (rows + 63) / 64;

    /// <summary>The set bits.</summary>
    public static long Count(ReadOnlySpan<ulong> words)
    {
        long n = 0;
        foreach (ulong w in words)
            n += BitOperations.PopCount(w);
        return n;
    }
}
