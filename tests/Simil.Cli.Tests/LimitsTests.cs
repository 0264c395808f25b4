using System.Buffers.Binary;
using System.Text;

namespace Simil.Cli.Tests;

/// <summary>
/// Every count, size and offset read from a file or the command line is checked before it is
/// used: the extreme values give a correct answer or a one-line error with exit code 2 — never a
/// crash, a hang or an attempt to allocate what the input cannot back.
/// </summary>
public sealed class LimitsTests
{
    static byte[] Npy(string descr, string shape, int dataBytes)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(118) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange(new byte[] { 1, 0, (byte)header.Length, 0 });
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[dataBytes]);
        return [.. bytes];
    }

    static async Task<string> Error(params string[] args)
    {
        var result = await SimilProcess.RunAsync(args);
        return SimilProcess.AssertOneLineError(result, 2);
    }

    static async Task<string> Answer(params string[] args)
    {
        var result = await SimilProcess.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    [Fact]
    public async Task Extreme_counts_and_sizes_give_an_answer_or_one_line()
    {
        using var files = new TempFiles();
        var token = TestContext.Current.CancellationToken;
        var m = files.Write("m.txt", "1 2 3\n4 5 6\n");
        var flat = files.Path("flat.simil");
        var hnsw = files.Path("hnsw.simil");
        await Answer("index", "build", m, "--out", flat);
        await Answer("index", "build", m, "--out", hnsw, "--kind", "hnsw");

        // -k 2147483647: every row, once, best first.
        var all = await Answer("search", flat, "--query", "[1,2,3]", "-k", "2147483647", "--json");
        Assert.Contains("\"rank\":2", all, StringComparison.Ordinal);
        Assert.DoesNotContain("\"rank\":3", all, StringComparison.Ordinal);
        Assert.Contains("\"rank\":2", await Answer("search", hnsw, "--query", "[1,2,3]", "-k", "2147483647", "--json"), StringComparison.Ordinal);
        Assert.Contains("\"rank\":2", await Answer("search", hnsw, "--query", "[1,2,3]", "-k", "2", "--ef", "2147483647", "--json"), StringComparison.Ordinal);
        Assert.Contains("--ef", await Error("search", hnsw, "--query", "[1,2,3]", "--ef", "0"), StringComparison.Ordinal);

        // 0 dimensions.
        Assert.Contains("empty", await Error("compare", "[]", "[]"), StringComparison.Ordinal);
        await File.WriteAllBytesAsync(files.Path("zero.npy"), Npy("<f4", "(3, 0)", 0), token);
        Assert.Contains("length 0", await Error("search", files.Path("zero.npy"), "--query", "[1]"), StringComparison.Ordinal);

        // 10⁹ dimensions and 10¹² rows claimed by headers of tiny files.
        await File.WriteAllBytesAsync(files.Path("dims.npy"), Npy("<f4", "(1, 1000000000)", 64), token);
        await File.WriteAllBytesAsync(files.Path("rows.npy"), Npy("<f4", "(1000000000000, 4)", 64), token);
        await File.WriteAllTextAsync(files.Path("rows.vec"), "1000000000000 4\na 1 2 3 4\n", token);
        await File.WriteAllTextAsync(files.Path("dims.vec"), "2 1000000000\na 1 2 3 4\n", token);
        var binary = new List<byte>(Encoding.ASCII.GetBytes("3 1000000000\na "));
        binary.AddRange(new byte[16]);
        await File.WriteAllBytesAsync(files.Path("dims.bin"), [.. binary], token);
        var fvecs = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(fvecs, 1_000_000_000);
        await File.WriteAllBytesAsync(files.Path("dims.fvecs"), fvecs, token);
        foreach (var (file, format) in new[] { ("dims.npy", "npy"), ("rows.npy", "npy"), ("rows.vec", "word2vec"), ("dims.vec", "word2vec"), ("dims.bin", "word2vec-binary"), ("dims.fvecs", "fvecs") })
            Assert.Contains(file, await Error("matrix", files.Path(file), "--input-format", format, "--out", files.Path("out.npy")), StringComparison.Ordinal);

        // An index whose first section starts past the end of the file (checksums made right, so
        // that the offset itself is what is refused).
        var bytes = await File.ReadAllBytesAsync(flat, token);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(32 + 8), 1L << 40);
        await File.WriteAllBytesAsync(files.Path("past-end.simil"), Simil.Fuzz.FuzzTargets.Rehash(bytes), token);
        Assert.Contains("past-end.simil", await Error("index", "info", files.Path("past-end.simil")), StringComparison.Ordinal);
        Assert.Contains("past-end.simil", await Error("search", files.Path("past-end.simil"), "--query", "[1,2,3]"), StringComparison.Ordinal);

        // A JSON line nested 10⁵ deep, in the vector and in another field.
        await File.WriteAllTextAsync(files.Path("deep.jsonl"), "{\"vector\": " + new string('[', 100_000) + new string(']', 100_000) + "}\n", token);
        await File.WriteAllTextAsync(files.Path("deep-id.jsonl"), "{\"id\": " + string.Concat(Enumerable.Repeat("{\"a\":", 100_000)) + "1" + new string('}', 100_000) + ", \"vector\": [1, 2]}\n", token);
        Assert.Contains("deep.jsonl: line 1", await Error("search", files.Path("deep.jsonl"), "--query", "[1]"), StringComparison.Ordinal);
        Assert.Contains("deep-id.jsonl: line 1", await Error("search", files.Path("deep-id.jsonl"), "--query", "[1,2]"), StringComparison.Ordinal);

        // A key of 10 MB is an ordinary key.
        var key = new string('k', 10_000_000);
        await File.WriteAllTextAsync(files.Path("bigkey.vec"), $"2 3\n{key} 1 2 3\nshort 3 2 1\n", token);
        var found = await Answer("search", files.Path("bigkey.vec"), "--query", "short", "-k", "2", "--json");
        Assert.Contains(key, found, StringComparison.Ordinal);

        // A vector literal as long as one command-line argument may be (Linux: 128 KiB): 20,000 numbers.
        var literal = "[" + string.Join(",", Enumerable.Repeat("0.5", 20_000)) + "]";
        Assert.Contains("5000", await Answer("compare", literal, literal, "--metric", "dot"), StringComparison.Ordinal);

        // An output of 10¹⁰ cells is refused before anything is allocated.
        var tall = new List<byte>(Npy("<f4", "(100000, 1)", 0));
        tall.AddRange(new byte[400_000]);
        await File.WriteAllBytesAsync(files.Path("tall.npy"), [.. tall], token);
        Assert.Contains("10,000,000,000 cells", await Error("matrix", files.Path("tall.npy"), files.Path("tall.npy"), "--out", files.Path("out.npy")), StringComparison.Ordinal);
        Assert.False(File.Exists(files.Path("out.npy")));
    }
}
