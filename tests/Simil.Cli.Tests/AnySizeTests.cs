using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Simil.Cli.Tests;

/// <summary>
/// Item 1 of issue 21 on small files: a float32 .npy is read in place through a map, and a file of
/// more values than one block (SIMIL_MAX_VALUES lowers the limit from 2³¹ to a few hundred) goes
/// into native memory by rows; both give the same index and answers as the plain path.
/// </summary>
public sealed class AnySizeTests
{
    const int Rows = 97, Dims = 7;

    static float Value(int r, int d) => (float)Math.Sin(r * 12.9898 + d * 78.233) * (1 + r % 5);

    /// <summary>A .npy of dtype <paramref name="descr"/> ('&lt;f4', '&gt;f4', '&lt;f8', '&lt;f2').</summary>
    static byte[] Npy(string descr, Func<int, int, float>? value = null)
    {
        value ??= Value;
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({Rows}, {Dims}), }}";
        int headerLength = (10 + dict.Length + 1 + 63) / 64 * 64 - 10;
        var header = Encoding.ASCII.GetBytes(dict.PadRight(headerLength - 1) + "\n");
        int size = descr[2] - '0';
        var data = new byte[Rows * Dims * size];
        for (int r = 0; r < Rows; r++)
            for (int d = 0; d < Dims; d++)
            {
                var at = data.AsSpan((r * Dims + d) * size, size);
                float v = value(r, d);
                switch (descr)
                {
                    case "<f4": BinaryPrimitives.WriteSingleLittleEndian(at, v); break;
                    case ">f4": BinaryPrimitives.WriteSingleBigEndian(at, v); break;
                    case "<f8": BinaryPrimitives.WriteDoubleLittleEndian(at, v); break;
                    case "<f2": BinaryPrimitives.WriteHalfLittleEndian(at, (Half)v); break;
                    default: throw new ArgumentOutOfRangeException(nameof(descr));
                }
            }
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)headerLength, (byte)(headerLength >> 8), .. header, .. data];
    }

    static string Text(Func<float, float> round) =>
        string.Concat(Enumerable.Range(0, Rows).Select(r =>
            string.Join(' ', Enumerable.Range(0, Dims).Select(d => round(Value(r, d)).ToString("R", CultureInfo.InvariantCulture))) + "\n"));

    static readonly Dictionary<string, string> s_small = new() { ["SIMIL_MAX_VALUES"] = "200" };

    [Theory]
    [InlineData("<f4")]
    [InlineData(">f4")]
    [InlineData("<f8")]
    [InlineData("<f2")]
    public async Task Every_npy_dtype_gives_the_plain_paths_index_mapped_or_by_rows(string descr)
    {
        using var files = new TempFiles();
        var npy = files.Path("v.npy");
        File.WriteAllBytes(npy, Npy(descr));
        var text = files.Write("v.txt", Text(descr == "<f2" ? v => (float)(Half)v : v => v));
        string query = "[0.5, -1, 0.25, 2, -0.75, 1, 0]";
        var expected = await SimilProcess.RunAsync("search", text, "--query", query, "-k", "8", "--metric", "dot", "--json");
        Assert.True(expected.ExitCode == 0, expected.Stderr);
        foreach (var environment in new[] { new Dictionary<string, string>(), s_small })
        {
            var index = files.Path("v.simil");
            var built = await SimilProcess.RunAsync(environment, "index", "build", npy, "--out", index, "--metric", "dot");
            Assert.True(built.ExitCode == 0, built.Stderr);
            var searched = await SimilProcess.RunAsync(environment, "search", index, "--query", query, "-k", "8", "--json");
            Assert.True(searched.ExitCode == 0, searched.Stderr);
            Assert.Equal(expected.Stdout, searched.Stdout);
            var direct = await SimilProcess.RunAsync(environment, "search", npy, "--query", query, "-k", "8", "--metric", "dot", "--json");
            Assert.Equal(expected.Stdout, direct.Stdout);
            var int8 = await SimilProcess.RunAsync(environment, "index", "build", npy, "--out", files.Path("q.simil"), "--precision", "int8", "--rescore");
            Assert.True(int8.ExitCode == 0, int8.Stderr);
        }
    }

    [Theory]
    [InlineData("<f4", false)]
    [InlineData("<f4", true)]
    [InlineData("<f8", true)]
    public async Task A_nan_is_refused_with_its_row_and_column_on_every_path(string descr, bool small)
    {
        using var files = new TempFiles();
        var npy = files.Path("v.npy");
        File.WriteAllBytes(npy, Npy(descr, (r, d) => r == 60 && d == 3 ? float.NaN : Value(r, d)));
        var index = files.Path("v.simil");
        var r = await SimilProcess.RunAsync(small ? s_small : new Dictionary<string, string>(), "index", "build", npy, "--out", index);
        string line = SimilProcess.AssertOneLineError(r, 2);
        Assert.Contains("v.npy", line, StringComparison.Ordinal);
        Assert.Contains("row 61", line, StringComparison.Ordinal);
        Assert.False(File.Exists(index));
    }

    /// <summary>The same rows (with keys where the format has them) in every other format the tool reads vectors from.</summary>
    [Theory]
    [InlineData("w2v")]
    [InlineData("bin")]
    [InlineData("glove")]
    [InlineData("jsonl")]
    [InlineData("csv")]
    [InlineData("txt")]
    [InlineData("fvecs")]
    public async Task Every_other_format_past_the_block_limit_goes_into_native_memory_with_the_same_answers(string extension)
    {
        using var files = new TempFiles();
        var values = new float[Rows * Dims];
        for (int r = 0; r < Rows; r++)
            for (int d = 0; d < Dims; d++)
                values[r * Dims + d] = Value(r, d);
        var matrix = EmbeddingMatrix.Create(values, Dims, [.. Enumerable.Range(0, Rows).Select(r => $"w{r}")]);
        var path = files.Path("v." + extension);
        switch (extension)
        {
            case "glove":
                var text = new MemoryStream();
                Simil.IO.VectorFileWriter.Write(text, matrix, Simil.IO.VectorFileFormat.Word2VecText);
                File.WriteAllLines(path, Encoding.UTF8.GetString(text.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..]);
                break;
            case "fvecs":
                using (var output = File.Create(path))
                    for (int r = 0; r < Rows; r++)
                    {
                        output.Write(BitConverter.GetBytes(Dims));
                        output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(r * Dims, Dims)));
                    }
                break;
            default:
                Simil.IO.VectorFileWriter.Write(path, matrix, Simil.IO.VectorFileWriter.FromExtension(path)!.Value);
                break;
        }
        string[] format = extension == "glove" ? ["--input-format", "glove"] : [];
        string query = "[0.5, -1, 0.25, 2, -0.75, 1, 0]";
        var plain = await SimilProcess.RunAsync(["search", path, "--query", query, "-k", "8", "--metric", "cosine", "--json", .. format]);
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var small = await SimilProcess.RunAsync(s_small, ["search", path, "--query", query, "-k", "8", "--metric", "cosine", "--json", .. format]);
        Assert.True(small.ExitCode == 0, small.Stderr);
        Assert.Equal(plain.Stdout, small.Stdout);
        var index = files.Path("v.simil");
        var built = await SimilProcess.RunAsync(s_small, ["index", "build", path, "--out", index, "--metric", "cosine", .. format]);
        Assert.True(built.ExitCode == 0, built.Stderr);
        var searched = await SimilProcess.RunAsync(s_small, "search", index, "--query", query, "-k", "8", "--json");
        Assert.Equal(plain.Stdout, searched.Stdout);
    }
}
