using Simil.IO;

namespace Simil.Cli.Tests;

public sealed class EmbedCommandTests
{
    [Theory]
    [InlineData("out.npy", VectorFileFormat.Npy)]
    [InlineData("out.jsonl", VectorFileFormat.JsonLines)]
    [InlineData("out.vec", VectorFileFormat.Word2VecText)]
    public async Task Texts_become_unit_vectors_in_the_format_of_the_extension(string name, VectorFileFormat format)
    {
        using var files = new TempFiles();
        var input = files.Write("texts.txt", "king\nqueen\n\nbanana bread\n");
        var output = files.Path(name);
        var r = await SimilProcess.RunAsync("embed", input, "--out", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var content = VectorFile.Read(output);
        Assert.Equal(format, content.Format);
        var m = content.Vectors!;
        Assert.Equal(3, m.Count);
        Assert.Equal(384, m.Dimensions);
        Assert.InRange(Similarity.Cosine(m[0], m[1]), 0.675f, 0.685f);
        Assert.InRange(Similarity.Dot(m[2], m[2]), 0.9999f, 1.0001f);
        if (format != VectorFileFormat.Npy)
            Assert.Equal(format == VectorFileFormat.Word2VecText ? ["king", "queen", "banana_bread"] : ["king", "queen", "banana bread"], m.Keys!.Select(k => k.Replace(' ', format == VectorFileFormat.Word2VecText ? '_' : ' ')));
    }

    [Fact]
    public async Task A_missing_input_is_one_line()
    {
        using var files = new TempFiles();
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("embed", files.Path("none.txt"), "--out", files.Path("o.npy")), 2);
        Assert.Contains("none.txt: no such file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_output_extension_asks_for_a_format()
    {
        using var files = new TempFiles();
        var input = files.Write("texts.txt", "a\n");
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("embed", input, "--out", files.Path("o.xyz")), 2);
        Assert.Contains("give --format", line, StringComparison.Ordinal);
    }
}
