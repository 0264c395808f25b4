using System.Buffers.Binary;
using System.Text;

namespace Simil.Indexes;

/// <summary>
/// An index file's string table (keys, source texts): (count + 1) little-endian u64 offsets, then
/// the strings' UTF-8 bytes one after another (<c>docs/index-format.md</c>).
/// </summary>
static class StringTable
{
    static readonly UTF8Encoding s_strict = new(false, true);

    /// <summary>The bytes the table of <paramref name="strings"/> takes.</summary>
    public static long Length(IReadOnlyList<string> strings)
    {
        long bytes = 0;
        for (int i = 0; i < strings.Count; i++)
            bytes += s_strict.GetByteCount(strings[i]);
        return (strings.Count + 1L) * 8 + bytes;
    }

    /// <summary>Writes the table of <paramref name="strings"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<string> strings)
    {
        Span<byte> word = stackalloc byte[8];
        long offset = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(word, 0);
        stream.Write(word);
        for (int i = 0; i < strings.Count; i++)
        {
            offset += s_strict.GetByteCount(strings[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(word, (ulong)offset);
            stream.Write(word);
        }
        var buffer = new byte[4096];
        for (int i = 0; i < strings.Count; i++)
        {
            int n = s_strict.GetByteCount(strings[i]);
            if (n > buffer.Length)
                buffer = new byte[Math.Max(n, buffer.Length * 2)];
            s_strict.GetBytes(strings[i], buffer);
            stream.Write(buffer, 0, n);
        }
    }

    /// <summary>Decodes string <paramref name="index"/> of a table of <paramref name="count"/> strings in <paramref name="table"/>.</summary>
    /// <exception cref="InputException">The offsets or the UTF-8 are damaged.</exception>
    public static unsafe string Get(byte* table, long tableLength, int count, int index, string file, string section)
    {
        var bytes = Bytes(table, tableLength, count, index, file, section);
        try
        {
            return s_strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw IO.FileError.Section(file, section, $"string {index + 1} is not valid UTF-8 (the file is damaged)");
        }
    }

    /// <summary>The UTF-8 bytes of string <paramref name="index"/>, in place, its offsets checked against the table.</summary>
    /// <exception cref="InputException">The offsets are damaged.</exception>
    public static unsafe ReadOnlySpan<byte> Bytes(byte* table, long tableLength, int count, int index, string file, string section)
    {
        long dataStart = (count + 1L) * 8;
        ulong from = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(table + (long)index * 8, 8));
        ulong to = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(table + ((long)index + 1) * 8, 8));
        if (from > to || to > (ulong)(tableLength - dataStart) || to - from > int.MaxValue)
            throw IO.FileError.Section(file, section, $"string {index + 1} has offsets {from}..{to} outside its {tableLength - dataStart} bytes (the file is damaged; run 'simil index verify')");
        return new ReadOnlySpan<byte>(table + dataStart + (long)from, (int)(to - from));
    }

    /// <summary>Checks every offset and every string's UTF-8; the first fault is thrown.</summary>
    public static unsafe void Check(byte* table, long tableLength, int count, string file, string section)
    {
        long dataStart = (count + 1L) * 8;
        if (BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(table, 8)) != 0)
            throw IO.FileError.Section(file, section, $"its first offset is not 0");
        if (BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(table + (long)count * 8, 8)) != (ulong)(tableLength - dataStart))
            throw IO.FileError.Section(file, section, $"its last offset does not end at the section's end");
        for (int i = 0; i < count; i++)
            _ = Get(table, tableLength, count, i, file, section);
    }
}

/// <summary>A string table read in place: each string is decoded when it is asked for.</summary>
sealed unsafe class MappedStrings(byte* table, long tableLength, int count, string file, string section) : IReadOnlyList<string>
{
    public string this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
            return StringTable.Get(table, tableLength, count, index, file, section);
        }
    }

    public int Count => count;

    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < count; i++)
            yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
