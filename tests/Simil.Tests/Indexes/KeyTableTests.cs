using System.Buffers.Binary;
using Simil.Fuzz;

namespace Simil.Tests.Indexes;

/// <summary>
/// The key table (KHSH, format 1.2): a key's row is found without decoding the other keys, the
/// first row of a repeated key wins as everywhere else, and damage is refused, never misread.
/// </summary>
public sealed class KeyTableTests
{
    static readonly string[] s_keys =
    [
        "war", "", "conflict", "war", "é", "日本語", "a b", new string('x', 2000), "", "War", "conflict", "😀", "tail",
    ];

    static string Save(IReadOnlyList<string> keys)
    {
        var rows = new float[keys.Count * 3];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = i % 7 - 3;
        var path = IndexTestData.TempPath();
        new FlatIndex(EmbeddingMatrix.Create(rows, 3, keys), Metric.Cosine).Save(path);
        return path;
    }

    [Fact]
    public void Every_key_finds_its_first_row_and_others_find_none()
    {
        var path = Save(s_keys);
        try
        {
            using var index = VectorIndex.Open(path);
            Assert.Contains(index.Info!.Sections, s => s.Id == "KHSH");
            for (int row = 0; row < s_keys.Length; row++)
                Assert.Equal(Array.IndexOf(s_keys, s_keys[row]), index.Corpus.IndexOf(s_keys[row]));
            foreach (var missing in new[] { "wa", "war ", "WAR", "x", "日本", new string('x', 1999) })
                Assert.Equal(-1, index.Corpus.IndexOf(missing));
            index.Verify();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Many_keys_with_repeats_match_a_dictionary()
    {
        var random = new Random(5);
        var keys = Enumerable.Range(0, 20_000).Select(_ => $"k{random.Next(12_000)}").ToArray();
        var path = Save(keys);
        try
        {
            using var index = VectorIndex.Open(path);
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < keys.Length; i++)
                first.TryAdd(keys[i], i);
            for (int probe = 0; probe < 13_000; probe++)
                Assert.Equal(first.GetValueOrDefault($"k{probe}", -1), index.Corpus.IndexOf($"k{probe}"));
            index.Verify();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_lookup_reads_one_key_not_all_of_them()
    {
        // Row 2's bytes made invalid UTF-8 (checksums made right): decoding every key would fail;
        // the key table reads only the key it compares.
        var path = Save(s_keys);
        try
        {
            var bytes = File.ReadAllBytes(path);
            var (offset, _) = Section(bytes, "KEYS");
            long dataStart = offset + (s_keys.Length + 1L) * 8;
            long from = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)(offset + 2 * 8)));
            bytes[dataStart + from] = 0xFF;   // 'c' of "conflict"
            File.WriteAllBytes(path, FuzzTargets.Rehash(bytes));
            using var index = VectorIndex.Open(path);
            Assert.Equal(6, index.Corpus.IndexOf("a b"));
            Assert.Equal(12, index.Corpus.IndexOf("tail"));
            Assert.Throws<FileFormatException>(() => index.Corpus.Keys![2]);
            Assert.Throws<FileFormatException>(index.Verify);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_slot_naming_a_row_past_the_end_is_refused_on_lookup_and_by_verify()
    {
        var path = Save(s_keys);
        try
        {
            var bytes = File.ReadAllBytes(path);
            var (offset, length) = Section(bytes, "KHSH");
            // Every used slot now names row 1,000 (of 13).
            for (long at = offset; at < offset + length; at += 8)
                if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at)) != 0)
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)at), 1000);
            File.WriteAllBytes(path, FuzzTargets.Rehash(bytes));
            using var index = VectorIndex.Open(path);
            var e = Assert.Throws<FileFormatException>(() => index.Corpus.IndexOf("war"));
            Assert.Contains("KHSH", e.Message, StringComparison.Ordinal);
            Assert.Throws<FileFormatException>(index.Verify);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_table_missing_a_key_or_with_a_stray_slot_fails_verify()
    {
        var path = Save(s_keys);
        try
        {
            var clean = File.ReadAllBytes(path);
            var (offset, length) = Section(clean, "KHSH");
            // Emptying one used slot loses a key; filling an empty one adds a slot no key leads to.
            long used = -1, empty = -1;
            for (long at = offset; at < offset + length; at += 8)
                if (BinaryPrimitives.ReadUInt32LittleEndian(clean.AsSpan((int)at)) != 0)
                    used = used < 0 ? at : used;
                else
                    empty = empty < 0 ? at : empty;
            var lost = (byte[])clean.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(lost.AsSpan((int)used), 0);
            File.WriteAllBytes(path, FuzzTargets.Rehash(lost));
            using (var index = VectorIndex.Open(path))
                Assert.Contains("KHSH", Assert.Throws<FileFormatException>(index.Verify).Message, StringComparison.Ordinal);
            var stray = (byte[])clean.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(stray.AsSpan((int)empty), 1);
            File.WriteAllBytes(path, FuzzTargets.Rehash(stray));
            using (var index = VectorIndex.Open(path))
                Assert.Contains("KHSH", Assert.Throws<FileFormatException>(index.Verify).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_table_of_the_wrong_size_is_refused_on_open()
    {
        var path = Save(s_keys);
        try
        {
            var bytes = File.ReadAllBytes(path);
            // One slot fewer (KHSH is a flat index's last section): no longer a power of two.
            for (int i = 0; i < BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)); i++)
            {
                var entry = bytes.AsSpan(32 + 32 * i, 32);
                if (BinaryPrimitives.ReadUInt32LittleEndian(entry) == Id("KHSH"))
                    BinaryPrimitives.WriteInt64LittleEndian(entry[16..], BinaryPrimitives.ReadInt64LittleEndian(entry[16..]) - 8);
            }
            File.WriteAllBytes(path, FuzzTargets.Rehash(bytes[..^8]));
            Assert.Contains("section KHSH has", Assert.Throws<FileFormatException>(() => VectorIndex.Open(path).Dispose()).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static uint Id(string letters) => (uint)letters[0] | (uint)letters[1] << 8 | (uint)letters[2] << 16 | (uint)letters[3] << 24;

    static (long Offset, long Length) Section(byte[] file, string id)
    {
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        for (int i = 0; i < count; i++)
        {
            var entry = file.AsSpan(32 + 32 * i, 32);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) == Id(id))
                return (BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), BinaryPrimitives.ReadInt64LittleEndian(entry[16..]));
        }
        throw new InvalidOperationException($"no {id} section");
    }
}
