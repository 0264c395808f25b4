using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary><c>simil quantize</c>: the same bytes as NumPy wrote with sentence-transformers' formulas, and bad input refused with nothing written.</summary>
public sealed class QuantizeCommandTests
{
    static string Golden(string name) => Repository.Path("tests", "Simil.Tests", "Golden", "quantization", name);

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
        var bfloat16 = files.Path("raw-bf16.npy");
        Assert.Equal(0, (await SimilProcess.RunAsync(["quantize", Golden("rows.npy"), "--precision", "bfloat16", "--out", bfloat16])).ExitCode);
        var cases = new (string[] Args, string Says)[]
        {
            (["quantize", Golden("rows.npy"), "--precision", "int4", "--out", output], "valid precisions: float32, float16, bfloat16, int8, uint8, binary, ubinary"),
            (["quantize", Golden("rows.npy"), "--precision", "int8", "--calibration", otherDims, "--out", output], "has 3 dimensions but"),
            (["quantize", bfloat16, "--precision", "int8", "--out", output], "read it as the format npy-bfloat16 (--input-format)"),
            (["quantize", Golden("rows.npy"), "--input-format", "npy-bfloat16", "--precision", "int8", "--out", output], "needs dtype uint16"),
            (["quantize", Golden("rows.npy"), "--precision", "int8", "--out", files.Path("out.csv")], "NumPy .npy"),
        };
        foreach (var (args, says) in cases)
        {
            Assert.Contains(says, SimilProcess.AssertOneLineError(await SimilProcess.RunAsync(args), 2));
            Assert.Empty(Directory.GetFiles(files.Folder, "out*"));
        }
    }

    [Fact]
    public async Task Bfloat16_is_written_as_raw_uint16_and_read_back_with_its_format()
    {
        using var files = new TempFiles();
        var raw = files.Path("bf16.npy");
        var back = files.Path("back.npy");
        var result = await SimilProcess.RunAsync(["quantize", Golden("rows.npy"), "--precision", "bfloat16", "--out", raw]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var bytes = await File.ReadAllBytesAsync(raw, TestContext.Current.CancellationToken);
        Assert.Contains("'descr': '<u2'", System.Text.Encoding.ASCII.GetString(bytes, 0, 128));
        result = await SimilProcess.RunAsync(["quantize", raw, "--input-format", "npy-bfloat16", "--precision", "float32", "--out", back]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var original = Simil.IO.VectorFile.Read(Golden("rows.npy")).Vectors!;
        var widened = Simil.IO.VectorFile.Read(back).Vectors!;
        Assert.Equal(original.Count, widened.Count);
        for (int r = 0; r < original.Count; r++)
            for (int d = 0; d < original.Dimensions; d++)
            {
                float v = original[r][d];
                // The nearest bfloat16: the value's top 16 bits, or one step up, whichever is nearer (ties to an even last bit).
                uint bits = BitConverter.SingleToUInt32Bits(v);
                float down = BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000), up = BitConverter.UInt32BitsToSingle((bits & 0xFFFF0000) + 0x10000);
                double dd = Math.Abs((double)v - down), du = Math.Abs((double)v - up);
                float expected = dd < du ? down : du < dd ? up : ((bits >> 16) & 1) == 0 ? down : up;
                Assert.Equal(expected, widened[r][d]);
            }
    }
}
