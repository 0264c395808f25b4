using System.Text;
using Simil.IO;
using Simil.Testing;

namespace Simil.Tests.IO;

/// <summary>Broken files give one line naming the file and the place, and never a huge allocation.</summary>
public sealed class BadInputTests
{
    /// <summary>Every reader error is a typed format error naming the file.</summary>
    static FileFormatException Fails(byte[] bytes, string name, VectorFileFormat? format = null) =>
        Assert.Throws<FileFormatException>(() => VectorFile.Read(new MemoryStream(bytes), name, new VectorReadOptions { Format = format }));

    static FileFormatException Fails(string text, string name, VectorFileFormat? format = null) => Fails(Encoding.UTF8.GetBytes(text), name, format);

    static void AssertMessage(InputException e, string file, params string[] parts)
    {
        Assert.StartsWith(file + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var part in parts)
            Assert.Contains(part, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_format_error_carries_its_file_and_line_as_values()
    {
        var e = Fails("1 2 3\n4 5 6\n7 x 9\n", "m.txt");
        Assert.Equal(("m.txt", (long?)3, "line 3, column 2"), (e.File, e.Line, e.Place));
        Assert.Equal($"m.txt: line 3, column 2: {e.Detail}", e.Message);
        var binary = Fails([0x93, .. "NUMPY"u8, 1, 0, 4, 0, .. "abc\n"u8], "h.npy");
        Assert.Equal("h.npy", binary.File);
        Assert.NotNull(binary.Offset);
        Assert.StartsWith($"h.npy: byte {binary.Offset}: ", binary.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 2 3\n4 NaN 6\n", "line 2, column 2", "not a finite")]
    [InlineData("1 2 3\n4 inf 6\n", "line 2, column 2", "not a finite")]
    [InlineData("2 3\na 1 2 3\nb 1 -Infinity 3\n", "line 3, column 3", "-infinity")]
    [InlineData("{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"b\",\"vector\":[1,1e39]}\n", "line 2", "not a finite")]
    public void NaN_and_infinity_are_refused_where_they_are(string text, string place, string what) =>
        AssertMessage(Fails(text, "bad.txt"), "bad.txt", place, what);

    [Theory]
    [InlineData("1 2 3\n4 5\n", "line 2", "2 values, expected 3")]
    [InlineData("1,2,3\n4,5,6,7\n", "line 2", "4 values, expected 3")]
    [InlineData("2 3\na 1 2 3\nb 1 2\n", "line 3", "2 values, expected 3")]
    [InlineData("a 1 2 3\nb 1 2 3 4\n", "line 2", "4 values, expected 3")]
    [InlineData("{\"id\":\"a\",\"vector\":[1,2]}\n{\"id\":\"b\",\"vector\":[1]}\n", "line 2", "1 values, expected 2")]
    public void Ragged_rows_are_refused(string text, string place, string what) =>
        AssertMessage(Fails(text, "ragged.txt"), "ragged.txt", place, what);

    [Theory]
    [InlineData("3 2\na 1 2\nb 3 4\n", "declares 3 rows but the file has 2")]
    [InlineData("1 2\na 1 2\nb 3 4\n", "declares 1 rows but more follow")]
    [InlineData("2 3\na 1 2\nb 3 4\n", "2 values, expected 3")]
    public void A_header_that_disagrees_with_the_body_is_refused(string text, string what) =>
        AssertMessage(Fails(text, "h.vec", VectorFileFormat.Word2VecText), "h.vec", what);

    [Fact]
    public void A_truncated_binary_record_names_the_byte()
    {
        var full = File.ReadAllBytes(Repository.SharedData("gensim/euclidean_vectors.bin"));
        var e = Fails(full[..1000], "cut.bin");
        AssertMessage(e, "cut.bin", "byte 1000", "truncated");
    }

    [Fact]
    public void A_truncated_npy_names_the_byte()
    {
        var bytes = new MemoryStream();
        VectorFileWriter.Write(bytes, EmbeddingMatrix.Create(new float[12], 3), VectorFileFormat.Npy);
        var e = Fails(bytes.ToArray()[..^5], "cut.npy");
        AssertMessage(e, "cut.npy", "byte", "truncated");
    }

    [Theory]
    [InlineData("1000000000000 300\nthe 1 2 3\n", VectorFileFormat.Word2VecText)]
    [InlineData("1000000000000 300\nthe \u0001\u0002\u0003\u0004", VectorFileFormat.Word2VecBinary)]
    public void A_header_claiming_a_trillion_rows_allocates_nothing(string text, VectorFileFormat format)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(text, "huge", format);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        AssertMessage(e, "huge", "1000000000000");
        Assert.True(allocated < 16 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void An_npy_header_claiming_a_trillion_rows_allocates_nothing()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 384), }".PadRight(117) + "\n";
        var bytes = new byte[] { 0x93 }.Concat("NUMPY"u8.ToArray()).Concat(new byte[] { 1, 0, (byte)header.Length, 0 }).Concat(Encoding.ASCII.GetBytes(header)).Concat(new byte[64]).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(bytes, "huge.npy");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        AssertMessage(e, "huge.npy", "1000000000000 rows");
    }

    [Theory]
    [InlineData("'<i4'", "False", "dtype '<i4' is not supported")]
    [InlineData("'<c8'", "False", "dtype '<c8' is not supported")]
    [InlineData("'<f4'", "True", "Fortran order")]
    public void Npy_with_another_dtype_or_fortran_order_is_refused(string descr, string fortran, string what)
    {
        var header = $"{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': (2, 2), }}".PadRight(117) + "\n";
        var bytes = new byte[] { 0x93 }.Concat("NUMPY"u8.ToArray()).Concat(new byte[] { 1, 0, (byte)header.Length, 0 }).Concat(Encoding.ASCII.GetBytes(header)).Concat(new byte[16]).ToArray();
        AssertMessage(Fails(bytes, "x.npy"), "x.npy", what);
    }

    [Fact]
    public void An_empty_file_is_refused() =>
        AssertMessage(Fails([], "empty.txt"), "empty.txt", "empty");

    [Theory]
    [InlineData(VectorFileFormat.GloVe)]
    [InlineData(VectorFileFormat.Word2VecText)]
    [InlineData(VectorFileFormat.PlainText)]
    public void Invalid_utf8_is_refused_with_its_line(VectorFileFormat format)
    {
        var text = format == VectorFileFormat.Word2VecText ? "2 2\na 1 2\n" : format == VectorFileFormat.GloVe ? "a 1 2\n" : "fine\n";
        var bytes = Encoding.UTF8.GetBytes(text).Concat(new byte[] { 0xC3, 0x28 }).Concat(format == VectorFileFormat.PlainText ? "\n"u8.ToArray() : " 3 4\n"u8.ToArray()).ToArray();
        var e = Fails(bytes, "utf.txt", format);
        AssertMessage(e, "utf.txt", format == VectorFileFormat.Word2VecText ? "line 3" : "line 2", "UTF-8");
    }

    [Fact]
    public void An_fvecs_record_with_another_length_is_refused()
    {
        var bytes = new MemoryStream();
        var w = new BinaryWriter(bytes);
        w.Write(2); w.Write(1f); w.Write(2f);
        w.Write(3); w.Write(1f); w.Write(2f); w.Write(3f);
        w.Flush();
        AssertMessage(Fails(bytes.ToArray(), "x.fvecs"), "x.fvecs", "byte 12");
    }

    [Fact]
    public void A_missing_file_is_named() =>
        Assert.Equal("/no/such/file.npy: no such file", Assert.Throws<InputException>(() => VectorFile.Read("/no/such/file.npy")).Message);

    // Found by fuzzing (fuzz/crashes/npy): a version-1 header length of 0 threw from a span copy.
    [Fact]
    public void An_npy_header_length_too_short_for_a_header_names_the_byte()
    {
        var bytes = new byte[64];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        AssertMessage(Fails(bytes, "short.npy", VectorFileFormat.Npy), "short.npy", "byte 8", "too few to hold a .npy header");
    }

    [Fact]
    public void A_vector_literal_of_ten_million_numbers_is_read()
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < 10_000_000; i++)
            text.Append(i % 10).Append(',');
        text[^1] = ']';
        var values = VectorLiteral.Parse(text.ToString(), "A");
        Assert.Equal(10_000_000, values.Length);
        Assert.Equal(9f, values[^1]);
    }

    // Found by fuzzing (fuzz/crashes/word2vec-text): the header's row count of 0 passed the size check,
    // and the blank lines after it reserved 4 × 415,119,976 floats.
    [Fact]
    public void A_word2vec_header_with_more_dimensions_than_the_file_can_hold_is_refused_before_reserving()
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        AssertMessage(Fails("0\r\r415119976\n\n\u0012\n\n\n8#", "wide.vec", VectorFileFormat.Word2VecText), "wide.vec", "line 1", "415119976 values a row");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20);
    }
}
