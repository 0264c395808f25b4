using System.Buffers.Binary;

namespace Simil.Postgres.Tests;

/// <summary>The binary COPY parser on streams made here: whole, and broken every way it can be.</summary>
public sealed class CopyReaderTests
{
    static byte[] Stream(params byte[][] fields)
    {
        var bytes = new List<byte>();
        bytes.AddRange("PGCOPY\n"u8.ToArray());
        bytes.AddRange([0xFF, (byte)'\r', (byte)'\n', 0]);
        bytes.AddRange(new byte[8]);
        foreach (var field in fields)
        {
            bytes.AddRange([0, 1]);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
            bytes.AddRange(length);
            bytes.AddRange(field);
        }
        bytes.AddRange([0xFF, 0xFF]);
        return [.. bytes];
    }

    static List<byte[]> ReadAll(byte[] data)
    {
        var reader = new CopyReader(new MemoryStream(data));
        reader.ReadHeader();
        var fields = new List<byte[]>();
        while (reader.StartRow(1))
            fields.Add(reader.ReadField().ToArray());
        return fields;
    }

    [Fact]
    public void Fields_of_every_size_come_back_whole_across_buffer_refills()
    {
        var random = new Random(3);
        var fields = Enumerable.Range(0, 300).Select(i => { var f = new byte[i * 37 % 9000 + (i == 7 ? 3 << 20 : 0)]; random.NextBytes(f); return f; }).ToArray();
        var back = ReadAll(Stream(fields));
        Assert.Equal(fields.Length, back.Count);
        for (int i = 0; i < fields.Length; i++)
            Assert.Equal(fields[i], back[i]);
    }

    [Fact]
    public void Broken_streams_are_refused_not_misread()
    {
        var whole = Stream([1, 2, 3, 4], [5, 6, 7, 8]);
        // Cut at every byte: the header, a field count, a length or a value ends early.
        for (int cut = 0; cut < whole.Length - 2; cut++)
            Assert.ThrowsAny<IOException>(() => ReadAll(whole[..cut]));
        var badSignature = (byte[])whole.Clone();
        badSignature[7] = 0xFE;
        Assert.Throws<InvalidDataException>(() => ReadAll(badSignature));
        var twoFields = (byte[])whole.Clone();
        twoFields[20] = 2;
        Assert.Throws<InvalidDataException>(() => ReadAll(twoFields));
        var negativeLength = (byte[])whole.Clone();
        BinaryPrimitives.WriteInt32BigEndian(negativeLength.AsSpan(21), -7);
        Assert.Throws<InvalidDataException>(() => ReadAll(negativeLength));
        var nullField = (byte[])whole.Clone();
        BinaryPrimitives.WriteInt32BigEndian(nullField.AsSpan(21), -1);
        var reader = new CopyReader(new MemoryStream(nullField));
        reader.ReadHeader();
        Assert.True(reader.StartRow(1));
        Assert.True(reader.ReadField().IsEmpty);
        Assert.True(reader.LastWasNull);
    }
}
