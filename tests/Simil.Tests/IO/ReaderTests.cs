using System.Text;
using Simil.IO;
using Simil.Testing;

namespace Simil.Tests.IO;

/// <summary>Readers on the shared public files, whose shapes and first values are known.</summary>
public sealed class ReaderTests
{
    [Theory]
    [InlineData("gensim/euclidean_vectors.bin", VectorFileFormat.Word2VecBinary, 2747, 10, "the")]
    [InlineData("gensim/word2vec_pre_kv_c", VectorFileFormat.Word2VecText, 1750, 10, "the")]
    [InlineData("gensim/test_glove.txt", VectorFileFormat.GloVe, 76, 50, "the")]
    [InlineData("gensim/lee_fasttext.vec", VectorFileFormat.Word2VecText, 1762, 10, "the")]
    [InlineData("gensim/toy-model.vec", VectorFileFormat.Word2VecText, 22, 5, "the")]
    public void Shared_word_vector_files_are_recognised_and_read(string file, VectorFileFormat format, int rows, int dims, string firstKey)
    {
        var content = VectorFile.Read(Repository.SharedData(file));
        Assert.Equal(format, content.Format);
        var m = content.Vectors!;
        Assert.Equal(rows, m.Count);
        Assert.Equal(dims, m.Dimensions);
        Assert.Equal(firstKey, m.Keys![0]);
        Assert.Equal(0, m.IndexOf(firstKey));
    }

    [Fact]
    public void Word2vec_text_values_are_exact()
    {
        var m = VectorFile.Read(Repository.SharedData("gensim/word2vec_pre_kv_c")).Vectors!;
        Assert.Equal([-0.561106f, -1.975698f, 1.663955f], m[0][..3].ToArray());
    }

    [Fact]
    public void Word2vec_binary_values_are_exact()
    {
        // The first record of euclidean_vectors.bin: "the " then 0x3ED7C8B9 = 0.42145312.
        var m = VectorFile.Read(Repository.SharedData("gensim/euclidean_vectors.bin")).Vectors!;
        Assert.Equal(BitConverter.Int32BitsToSingle(0x3ED7C8B9), m[0][0]);
    }

    [Fact]
    public void Glove_keeps_non_ascii_keys()
    {
        var m = VectorFile.Read(Repository.SharedData("gensim/test_glove.txt")).Vectors!;
        Assert.Contains(m.Keys!, k => k.Any(ch => ch > 127));
    }

    [Theory]
    [InlineData("1 2 3\n4 5 6\n", VectorFileFormat.Text)]
    [InlineData("# comment\n1 2 3  # trailing\n\n4 5 6\n", VectorFileFormat.Text)]
    [InlineData("1,2,3\n4,5,6\n", VectorFileFormat.Csv)]
    [InlineData("1\t2\t3\r\n4\t5\t6\r\n", VectorFileFormat.Tsv)]
    [InlineData("2 3\na 1 2 3\nb 4 5 6\n", VectorFileFormat.Word2VecText)]
    [InlineData("2 3\na 1 2 3 \nb 4 5 6 \n", VectorFileFormat.Word2VecText)]
    [InlineData("a 1 2 3\nb 4 5 6\n", VectorFileFormat.GloVe)]
    [InlineData("2 3\n\na 1 2 3\n\nb 4 5 6", VectorFileFormat.Word2VecText)]
    [InlineData("{\"id\":\"a\",\"vector\":[1,2,3]}\n{\"id\":\"b\",\"vector\":[4,5,6]}\n", VectorFileFormat.JsonLines)]
    public void Text_formats_are_sniffed_and_read(string text, VectorFileFormat format)
    {
        var content = Read(text, "data");
        Assert.Equal(format, content.Format);
        var m = content.Vectors!;
        Assert.Equal(2, m.Count);
        Assert.Equal([1f, 2, 3], m[0].ToArray());
        Assert.Equal([4f, 5, 6], m[1].ToArray());
    }

    [Fact]
    public void Plain_text_and_json_text_give_texts()
    {
        var plain = Read("the first sentence\n\nthe second one\n", "s.txt");
        Assert.Equal(VectorFileFormat.PlainText, plain.Format);
        Assert.Equal(["the first sentence", "the second one"], plain.Texts!);
        var json = Read("{\"text\":\"hello\"}\n{\"text\":\"world\"}\n", "s.jsonl");
        Assert.Equal(["hello", "world"], json.Texts!);
    }

    [Fact]
    public void Fvecs_is_read()
    {
        var bytes = new MemoryStream();
        var w = new BinaryWriter(bytes);
        foreach (var row in new[] { new[] { 1f, 2 }, new[] { 3f, 4 } })
        {
            w.Write(2);
            foreach (var v in row) w.Write(v);
        }
        var m = VectorFile.Read(new MemoryStream(bytes.ToArray()), "x.fvecs").Vectors!;
        Assert.Equal(2, m.Count);
        Assert.Equal([3f, 4], m[1].ToArray());
    }

    [Fact]
    public void A_numeric_text_matrix_can_keep_float64()
    {
        var m = VectorFile.Read(new MemoryStream("0.1 0.2\n0.3 1e-300\n"u8.ToArray()), "m.txt", new VectorReadOptions { KeepFloat64 = true }).Vectors!;
        Assert.True(m.IsFloat64);
        Assert.Equal([0.1, 0.2], m.GetRow64(0).ToArray());
        Assert.Equal(1e-300, m.GetRow64(1)[1]);
        Assert.Equal(0.1f, m[0][0]);
    }

    [Fact]
    public void Duplicate_keys_keep_the_first_and_say_so_once()
    {
        var content = Read("3 2\na 1 2\nb 3 4\na 5 6\n", "dup.vec");
        var m = content.Vectors!;
        Assert.Equal(2, m.Count);
        Assert.Equal([1f, 2], m[m.IndexOf("a")].ToArray());
        var warning = Assert.Single(content.Warnings);
        Assert.Contains("1 duplicate key ignored", warning, StringComparison.Ordinal);
        Assert.Contains("'a' on line 4", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_format_overrides_sniffing()
    {
        // "2 3" looks like a word2vec header, but the user says it is a matrix.
        var m = VectorFile.Read(new MemoryStream("2 3\n4 5\n"u8.ToArray()), "m", new VectorReadOptions { Format = VectorFileFormat.Text }).Vectors!;
        Assert.Equal(2, m.Count);
        Assert.Equal([2f, 3], m[0].ToArray());
    }

    internal static VectorFileContent Read(string text, string name, VectorReadOptions? options = null) =>
        VectorFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, options);
}

/// <summary>Large files are parsed in parallel chunks; the result and the line numbers must not change.</summary>
public sealed class ChunkedReadTests
{
    [Fact]
    public void A_large_word2vec_file_reads_the_same_as_a_small_one_and_errors_keep_their_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-{Guid.NewGuid():N}.vec");
        try
        {
            var random = new Random(8);
            int rows = 40_000, dims = 25;
            var data = new float[rows * dims];
            for (int i = 0; i < data.Length; i++) data[i] = (float)random.NextDouble();
            var keys = Enumerable.Range(0, rows).Select(i => $"w{i}").ToArray();
            keys[30_000] = "w5";   // a duplicate deep in a later chunk
            VectorFileWriter.Write(path, EmbeddingMatrix.Create(data, dims, keys), VectorFileFormat.Word2VecText);
            var content = VectorFile.Read(path);
            var m = content.Vectors!;
            Assert.Equal(rows - 1, m.Count);
            Assert.Equal(data.AsSpan(0, 30_000 * dims).ToArray(), m.Data[..(30_000 * dims)].ToArray());
            Assert.Equal(data.AsSpan(30_001 * dims).ToArray(), m.Data[(30_000 * dims)..].ToArray());
            Assert.Equal("w30001", m.Keys![30_000]);
            Assert.Contains("'w5' on line 30002", Assert.Single(content.Warnings), StringComparison.Ordinal);

            var lines = File.ReadAllLines(path);
            lines[35_001] = "broken 1 2 x";
            File.WriteAllLines(path, lines);
            var e = Assert.Throws<FileFormatException>(() => VectorFile.Read(path));
            Assert.Contains("line 35002", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
