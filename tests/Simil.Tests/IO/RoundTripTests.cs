using Simil.IO;

namespace Simil.Tests.IO;

/// <summary>Every writable format reads back to the same bits and keys.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<VectorFileFormat> Writable() => [.. VectorFileWriter.Writable];

    static EmbeddingMatrix Sample(bool keys)
    {
        var random = new Random(3);
        // Values that stress shortest round-trip formatting: tiny, huge, subnormal, negative zero.
        var data = new float[7 * 5];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(Math.Pow(10, random.NextDouble() * 60 - 30) * (random.Next(2) * 2 - 1));
        data[0] = float.Epsilon;
        data[1] = -0f;
        data[2] = float.MaxValue;
        data[3] = 1f / 3;
        return EmbeddingMatrix.Create(data, 5, keys ? ["the", "été", "naïve", "日本", "a-b", "x_y", "z"] : null);
    }

    [Theory]
    [MemberData(nameof(Writable))]
    public void Float32_round_trips_bit_for_bit(VectorFileFormat format)
    {
        var original = Sample(keys: true);
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, original, format);
        var back = VectorFile.Read(new MemoryStream(bytes.ToArray()), "roundtrip", new VectorReadOptions { Format = format }).Vectors!;
        Assert.Equal(original.Count, back.Count);
        Assert.Equal(original.Dimensions, back.Dimensions);
        for (int i = 0; i < original.Data.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(original.Data[i]), BitConverter.SingleToInt32Bits(back.Data[i]));
        if (format is VectorFileFormat.Word2VecText or VectorFileFormat.Word2VecBinary or VectorFileFormat.JsonLines)
            Assert.Equal(original.Keys!, back.Keys!);
    }

    [Theory]
    [MemberData(nameof(Writable))]
    public void Written_files_are_recognised_without_a_format(VectorFileFormat format)
    {
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, Sample(keys: true), format);
        var content = VectorFile.Read(new MemoryStream(bytes.ToArray()), "file");
        Assert.Equal(format, content.Format);
    }

    [Theory]
    [InlineData(VectorFileFormat.Npy)]
    [InlineData(VectorFileFormat.Text)]
    [InlineData(VectorFileFormat.Csv)]
    public void Float64_round_trips_bit_for_bit(VectorFileFormat format)
    {
        var random = new Random(4);
        var data = new double[12];
        for (int i = 0; i < data.Length; i++)
            data[i] = Math.Pow(10, random.NextDouble() * 200 - 100) * (random.Next(2) * 2 - 1);
        data[0] = 0.1;
        var original = EmbeddingMatrix.Create(data, 4);
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, original, format);
        var back = VectorFile.Read(new MemoryStream(bytes.ToArray()), "roundtrip", new VectorReadOptions { Format = format, KeepFloat64 = true }).Vectors!;
        Assert.True(back.IsFloat64);
        Assert.Equal(original.Data64.ToArray(), back.Data64.ToArray());
    }

    [Fact]
    public void Word2vec_refuses_a_key_with_a_space()
    {
        var m = EmbeddingMatrix.Create([1f, 2], 1, ["new york", "b"]);
        var e = Assert.Throws<InputException>(() => VectorFileWriter.Write(new MemoryStream(), m, VectorFileFormat.Word2VecText));
        Assert.Contains("'new york'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_a_file_replaces_it_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-{Guid.NewGuid():N}.npy");
        try
        {
            VectorFileWriter.Write(path, Sample(keys: false), VectorFileFormat.Npy);
            var back = VectorFile.Read(path).Vectors!;
            Assert.Equal(7, back.Count);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".tmp-*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A NumPy file of dtype <paramref name="descr"/> (&gt;f4, &gt;f8, &lt;f2, &gt;f2, |i1, |u1), written here byte by byte as NumPy lays it out.</summary>
    static byte[] BigEndianNpy(string descr, double[] values, int rows, int dims)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {dims}), }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64) * 64 - 10 - 1) + "\n";
        var bytes = new MemoryStream();
        bytes.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, (byte)(header.Length >> 8)]);
        bytes.Write(System.Text.Encoding.ASCII.GetBytes(header));
        foreach (double v in values)
        {
            if (descr == "|i1")
                bytes.WriteByte((byte)(sbyte)v);
            else if (descr == "|u1")
                bytes.WriteByte((byte)v);
            else if (descr.EndsWith("f2", StringComparison.Ordinal))
            {
                var b = new byte[2];
                if (descr[0] == '>')
                    System.Buffers.Binary.BinaryPrimitives.WriteHalfBigEndian(b, (Half)v);
                else
                    System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v);
                bytes.Write(b);
            }
            else if (descr == ">f4")
            {
                var b = new byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(b, (float)v);
                bytes.Write(b);
            }
            else
            {
                var b = new byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(b, v);
                bytes.Write(b);
            }
        }
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(">f4", false)]
    [InlineData(">f8", false)]
    [InlineData(">f8", true)]
    public void Big_endian_npy_reads_as_its_values(string descr, bool keepFloat64)
    {
        double[] values = [1.5, -2.25, 1e-30, 3.0e10, -0.0, 0.1];
        var bytes = BigEndianNpy(descr, values, 2, 3);
        var m = VectorFile.Read(new MemoryStream(bytes), "be.npy", new VectorReadOptions { KeepFloat64 = keepFloat64 }).Vectors!;
        Assert.Equal((2, 3), (m.Count, m.Dimensions));
        Assert.Equal(keepFloat64, m.IsFloat64);
        for (int i = 0; i < values.Length; i++)
        {
            double expected = descr == ">f4" ? (float)values[i] : values[i];
            if (keepFloat64)
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(m.Data64[i]));
            else
                Assert.Equal(BitConverter.SingleToInt32Bits((float)expected), BitConverter.SingleToInt32Bits(m.Data[i]));
        }
    }

    [Theory]
    [InlineData(">f4", false)]
    [InlineData(">f8", false)]
    [InlineData(">f8", true)]
    public void Big_endian_npy_with_an_infinity_names_its_row_and_column(string descr, bool keepFloat64)
    {
        var bytes = BigEndianNpy(descr, [1, 2, 3, 4, double.PositiveInfinity, 6], 2, 3);
        var error = Assert.Throws<FileFormatException>(() => VectorFile.Read(new MemoryStream(bytes), "be.npy", new VectorReadOptions { KeepFloat64 = keepFloat64 }));
        Assert.Contains("row 2, column 2", error.Message);
        Assert.Contains("+infinity", error.Message);
    }

    [Theory]
    [InlineData("<f2")]
    [InlineData(">f2")]
    public void Float16_npy_reads_as_its_values_widened_exactly(string descr)
    {
        double[] values = [1.5, -2.25, 6e-8, 65504, -0.0, 0.1];   // 6e-8: a float16 subnormal
        var m = VectorFile.Read(new MemoryStream(BigEndianNpy(descr, values, 2, 3)), "h.npy").Vectors!;
        Assert.Equal((2, 3), (m.Count, m.Dimensions));
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits((float)(Half)values[i]), BitConverter.SingleToInt32Bits(m.Data[i]));
    }

    [Fact]
    public void Float16_npy_with_an_infinity_names_its_row_and_column()
    {
        var error = Assert.Throws<FileFormatException>(() => VectorFile.Read(new MemoryStream(BigEndianNpy("<f2", [1, 2, 3, 4, 5, double.NegativeInfinity], 2, 3)), "h.npy"));
        Assert.Contains("row 2, column 3", error.Message);
        Assert.Contains("-infinity", error.Message);
    }

    [Theory]
    [InlineData("|i1", new double[] { -128, 127, 0, -1, 5, 64 })]
    [InlineData("|u1", new double[] { 0, 255, 128, 1, 5, 64 })]
    public void Int8_and_uint8_npy_read_as_their_values(string descr, double[] values)
    {
        var m = VectorFile.Read(new MemoryStream(BigEndianNpy(descr, values, 2, 3)), "q.npy").Vectors!;
        Assert.Equal((2, 3), (m.Count, m.Dimensions));
        Assert.Equal(values.Select(v => (float)v), m.Data.ToArray());
    }
}
