using System.Runtime.CompilerServices;

namespace Simil.Cli.Tests;

/// <summary><c>simil quantize</c>: the same bytes as NumPy wrote with sentence-transformers' formulas, and bad input refused with nothing written.</summary>
public sealed class QuantizeCommandTests
{
    static string Golden(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "Simil.Tests", "Golden", "quantization", name);

    [Theory]
    [InlineData("int8", true)]
    [InlineData("uint8", true)]
    [InlineData("binary", false)]
    [InlineData("ubinary", false)]
    public async Task Quantized_files_are_numpys_bytes(string precision, bool calibrated)
    {
        using var files = new TempFiles();
        var output = files.Path($"{precision}.npy");
        string[] args = calibrated
            ? ["quantize", Golden("rows.npy"), "--precision", precision, "--calibration", Golden("calibration.npy"), "--out", output]
            : ["quantize", Golden("rows.npy"), "--precision", precision, "--out", output];
        var result = await SimilProcess.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(await File.ReadAllBytesAsync(Golden($"{precision}.npy"), TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Bad_input_is_one_line_exit_2_and_nothing_written()
    {
        using var files = new TempFiles();
        var output = files.Path("out.npy");
        var otherDims = files.Write("other.txt", "1 2 3\n4 5 6\n");
        var cases = new (string[] Args, string Says)[]
        {
            (["quantize", Golden("rows.npy"), "--precision", "int4", "--out", output], "valid precisions: float32, float16, bfloat16, int8, uint8, binary, ubinary"),
            (["quantize", Golden("rows.npy"), "--precision", "int8", "--calibration", otherDims, "--out", output], "has 3 dimensions but"),
            (["quantize", Golden("rows.npy"), "--precision", "bfloat16", "--out", output], "bfloat16 has no NumPy dtype"),
            (["quantize", Golden("rows.npy"), "--precision", "int8", "--out", files.Path("out.csv")], "NumPy .npy"),
        };
        foreach (var (args, says) in cases)
        {
            Assert.Contains(says, SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2));
            Assert.Empty(Directory.GetFiles(files.Folder, "out*"));
        }
    }
}
