using System.Text.Json;
using Simil.IO;

namespace Simil.Cli.Tests;

public sealed class MatrixCommandTests
{
    [Fact]
    public async Task All_pairs_of_literal_rows_as_json()
    {
        using var files = new TempFiles();
        var a = files.Write("a.txt", "1 0\n0 1\n1 1\n");
        var r = await SimilProcess.RunAsync("matrix", a, "--metric", "dot", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var values = doc.RootElement.GetProperty("values");
        Assert.Equal("dot", doc.RootElement.GetProperty("metric").GetString());
        Assert.Equal([[1.0, 0, 1], [0, 1, 1], [1, 1, 2]], values.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray());
    }

    [Theory]
    [InlineData("m.npy", VectorFileFormat.Npy)]
    [InlineData("m.csv", VectorFileFormat.Csv)]
    [InlineData("m.tsv", VectorFileFormat.Tsv)]
    [InlineData("m.txt", VectorFileFormat.Text)]
    public async Task Every_output_format_reads_back(string name, VectorFileFormat format)
    {
        using var files = new TempFiles();
        var a = files.Write("a.vec", "2 3\nx 1 2 3\ny 4 5 6\n");
        var b = files.Write("b.txt", "1 0 0\n0 1 0\n0 0 1\n");
        var output = files.Path(name);
        var r = await SimilProcess.RunAsync("matrix", a, b, "--metric", "l2sq", "--out", output);
        Assert.Equal(0, r.ExitCode);
        var m = VectorFile.Read(output, new VectorReadOptions { Format = format }).Vectors!;
        Assert.Equal(2, m.Count);
        Assert.Equal(3, m.Dimensions);
        // l2sq([1,2,3],[1,0,0]) = 0 + 4 + 9
        Assert.Equal(13.0, m.IsFloat64 ? m.GetRow64(0)[0] : m[0][0]);
    }

    [Fact]
    public async Task Float64_text_input_is_computed_in_float64()
    {
        using var files = new TempFiles();
        // Two rows equal to 17 digits but for the last: float32 would give 0.
        var a = files.Write("a.txt", "0.10000000000000001 0.2\n0.10000000000000003 0.2\n");
        var r = await SimilProcess.RunAsync("matrix", a, "--metric", "l2sq", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        double d = 0.10000000000000003 - 0.10000000000000001;
        Assert.Equal(d * d, doc.RootElement.GetProperty("values")[0][1].GetDouble());
    }

    [Fact]
    public async Task A_heatmap_is_drawn()
    {
        using var files = new TempFiles();
        var a = files.Write("a.vec", "3 2\nred 1 0\ngreen 0.8 0.6\nblue 0 1\n");
        var png = files.Path("m.png");
        var r = await SimilProcess.RunAsync("matrix", a, "--plot", png);
        Assert.Equal(0, r.ExitCode);
        var bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Contains("cosine", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("green", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Different_dimensions_are_refused()
    {
        using var files = new TempFiles();
        var a = files.Write("a.txt", "1 2\n");
        var b = files.Write("b.txt", "1 2 3\n");
        var line = SimilProcess.AssertOneLineError(await SimilProcess.RunAsync("matrix", a, b), 2);
        Assert.Contains("2 dimensions", line, StringComparison.Ordinal);
    }
}
