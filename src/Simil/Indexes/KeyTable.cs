using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Text;

namespace Simil.Indexes;

/// <summary>
/// The key table (<c>KHSH</c>, <c>docs/index-format.md</c>): open addressing with linear probing
/// from a key's XxHash3 to its first row, 8 bytes a slot (row + 1, fingerprint), at least two
/// slots a key, so a lookup reads a few slots and one string whatever the count.
/// </summary>
static class KeyTable
{
    const int SlotBytes = 8;

    /// <summary>Slots for <paramref name="count"/> keys: the smallest power of two ≥ 2 × count and ≥ 8.</summary>
    public static long Slots(int count) => (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(8L, 2L * count));

    /// <summary>The section's length for <paramref name="count"/> keys.</summary>
    public static long Length(int count) => Slots(count) * SlotBytes;

    /// <summary>Whether a section of <paramref name="length"/> bytes is a well-formed table for <paramref name="count"/> keys.</summary>
    public static bool Fits(long length, int count) =>
        length % SlotBytes == 0 && BitOperations.IsPow2(length / SlotBytes) && length / SlotBytes >= Math.Max(8L, 2L * count);

    static ulong Hash(ReadOnlySpan<byte> utf8) => XxHash3.HashToUInt64(utf8);

    /// <summary>Writes the table of <paramref name="keys"/> (first row of a repeated key wins).</summary>
    public static void Write(Stream stream, IReadOnlyList<string> keys)
    {
        long slots = Slots(keys.Count);
        var table = new uint[slots * 2];   // row + 1, fingerprint
        ulong mask = (ulong)slots - 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            for (int row = 0; row < keys.Count; row++)
            {
                string key = keys[row];
                int n = Encoding.UTF8.GetMaxByteCount(key.Length);
                if (n > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(n);
                }
                n = Encoding.UTF8.GetBytes(key, buffer);
                ulong h = Hash(buffer.AsSpan(0, n));
                uint fingerprint = (uint)(h >> 32);
                for (ulong i = h & mask; ; i = (i + 1) & mask)
                {
                    uint stored = table[i * 2];
                    if (stored == 0)
                    {
                        table[i * 2] = (uint)row + 1;
                        table[i * 2 + 1] = fingerprint;
                        break;
                    }
                    if (table[i * 2 + 1] == fingerprint && string.Equals(keys[(int)stored - 1], key, StringComparison.Ordinal))
                        break;   // a repeated key: the first row keeps it
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (!BitConverter.IsLittleEndian)
            BinaryPrimitives.ReverseEndianness(table, table);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(table.AsSpan()));
    }

    /// <summary>
    /// The first row whose key (string <c>row</c> of the string table at <paramref name="strings"/>)
    /// is <paramref name="key"/>, or -1.
    /// </summary>
    /// <exception cref="InputException">The table names a row that does not exist (the file is damaged).</exception>
    public static unsafe int Find(byte* table, long tableLength, byte* strings, long stringsLength, int count, string key, string file, string section)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[512];
        try
        {
            var utf8 = buffer[..Encoding.UTF8.GetBytes(key, buffer)];
            return Find(table, tableLength, strings, stringsLength, count, utf8, file, section);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    static unsafe int Find(byte* table, long tableLength, byte* strings, long stringsLength, int count, ReadOnlySpan<byte> utf8, string file, string section)
    {
        long slots = tableLength / SlotBytes;
        ulong mask = (ulong)slots - 1, h = Hash(utf8);
        uint fingerprint = (uint)(h >> 32);
        ulong i = h & mask;
        for (long probes = 0; probes < slots; probes++, i = (i + 1) & mask)
        {
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(table + i * SlotBytes, 4));
            if (stored == 0)
                return -1;
            if (stored > (uint)count)
                throw IO.FileError.Section(file, "KHSH", $"slot {i} names row {stored} of {count} (the file is damaged; run 'simil index verify')");
            if (BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(table + i * SlotBytes + 4, 4)) == fingerprint
                && StringTable.Bytes(strings, stringsLength, count, (int)stored - 1, file, section).SequenceEqual(utf8))
                return (int)stored - 1;
        }
        return -1;
    }

    /// <summary>
    /// Checks that every row's key leads to that row or an earlier row with the same key, and that
    /// the table holds exactly one slot per distinct key; the first fault is thrown.
    /// </summary>
    public static unsafe void Check(byte* table, long tableLength, byte* strings, long stringsLength, int count, string file, string section)
    {
        if (!Fits(tableLength, count))
            throw IO.FileError.Section(file, "KHSH", $"{tableLength} bytes is not a key table for {count} keys");
        long distinct = 0;
        for (int row = 0; row < count; row++)
        {
            var utf8 = StringTable.Bytes(strings, stringsLength, count, row, file, section);
            int found = Find(table, tableLength, strings, stringsLength, count, utf8, file, section);
            if (found < 0 || found > row)
                throw IO.FileError.Section(file, "KHSH", $"the key of row {row + 1} leads to {(found < 0 ? "no row" : $"row {found + 1}")} (the file is damaged)");
            if (found == row)
                distinct++;
        }
        long used = 0;
        for (long i = 0; i < tableLength / SlotBytes; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(table + i * SlotBytes, 4)) != 0)
                used++;
        if (used != distinct)
            throw IO.FileError.Section(file, "KHSH", $"{used} slots are in use for {distinct} distinct keys (the file is damaged)");
    }
}
