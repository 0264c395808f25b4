using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Simil.IO;

namespace Simil.Fuzz;

/// <summary>
/// One fuzz target per reader and one for index files: each takes arbitrary bytes and must either
/// succeed or throw <see cref="InputException"/> (the one-line, exit-2 error). Anything else is a
/// finding — another exception, a hang, or an allocation far beyond the input's size
/// (<see cref="AllocationFinding"/>). The fuzzer (fuzz/Simil.Fuzz, SharpFuzz under AFL++) and the
/// regression test (Simil.Tests, every saved input) run these same functions.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets by name, as <c>fuzz/run.sh</c> takes them.</summary>
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["npy"] = data => Read(data, "fuzz.npy", VectorFileFormat.Npy),
        ["npy-bfloat16"] = data => Read(data, "fuzz.npy", VectorFileFormat.NpyBFloat16),
        ["text"] = data => Read(data, "fuzz.txt", VectorFileFormat.Text),
        ["csv"] = data => Read(data, "fuzz.csv", VectorFileFormat.Csv),
        ["tsv"] = data => Read(data, "fuzz.tsv", VectorFileFormat.Tsv),
        ["word2vec-text"] = data => Read(data, "fuzz.txt", VectorFileFormat.Word2VecText),
        ["fasttext"] = data => Read(data, "fuzz.vec", VectorFileFormat.Word2VecText),
        ["glove"] = data => Read(data, "fuzz.txt", VectorFileFormat.GloVe),
        ["word2vec-binary"] = data => Read(data, "fuzz.bin", VectorFileFormat.Word2VecBinary),
        ["fvecs"] = data => Read(data, "fuzz.fvecs", VectorFileFormat.Fvecs),
        ["jsonl"] = data => Read(data, "fuzz.jsonl", VectorFileFormat.JsonLines),
        ["plain"] = data => Read(data, "fuzz.txt", VectorFileFormat.PlainText),
        ["sniff"] = data => Read(data, "fuzz", null),
        ["literal"] = Literal,
        ["index"] = Index,
        ["index-rehashed"] = data => Index(Rehash(data)),
    };

    /// <summary>Bytes a target may allocate (all threads) beyond 256 × the input: more is a finding.</summary>
    public const long AllocationAllowance = 64L << 20;

    /// <summary>Runs <paramref name="target"/> on <paramref name="data"/>; an <see cref="InputException"/> is a pass.</summary>
    public static void Run(string target, byte[] data)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        try
        {
            All[target](data);
        }
        catch (InputException)
        {
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        if (allocated > AllocationAllowance + 256L * data.Length)
            throw new AllocationFinding($"{target}: {allocated:N0} bytes allocated for a {data.Length:N0}-byte input");
    }

    static void Read(byte[] data, string name, VectorFileFormat? format)
    {
        using var stream = new MemoryStream(data, writable: false);
        var content = VectorFile.Read(stream, name, new VectorReadOptions { Format = format });
        // Touch what was read, as a command would.
        if (content.Vectors is { } vectors && vectors.Count > 0)
            _ = Similarity.Compute(Metric.Cosine, vectors[0], vectors[vectors.Count - 1]);
    }

    static void Literal(byte[] data)
    {
        var values = VectorLiteral.Parse(Encoding.UTF8.GetString(data), "fuzz");
        _ = Similarity.Dot(values, values);
    }

    /// <summary>
    /// The bytes with every checksum an index file carries made right again (each section's whose
    /// range lies in the file, then the header's; docs/index-format.md): without this nearly every
    /// mutation stops at a checksum, and the structure behind it (header JSON, section table, string
    /// tables, graph lists) is never reached. A valid file comes back unchanged.
    /// </summary>
    public static byte[] Rehash(byte[] data)
    {
        var d = (byte[])data.Clone();
        if (d.Length < 32)
            return d;
        uint sections = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(12));
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(16));
        long tableEnd = 32 + 32L * sections;
        if (sections > 64 || tableEnd + headerLength > d.Length)
            return d;
        for (int i = 0; i < sections; i++)
        {
            var entry = d.AsSpan(32 + 32 * i, 32);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), length = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            if (offset >= 0 && length >= 0 && offset <= d.Length && length <= d.Length - offset)
                BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], XxHash3.HashToUInt64(d.AsSpan((int)offset, (int)length)));
        }
        var hash = new XxHash3();
        hash.Append(d.AsSpan(0, 24));
        hash.Append(d.AsSpan(32, (int)(tableEnd - 32 + headerLength)));
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(24), hash.GetCurrentHashAsUInt64());
        return d;
    }

    /// <summary>An index file: opened, verified and searched (a query of ones, k = 3) from a temporary file.</summary>
    static void Index(byte[] data)
    {
        string path = Path.Combine(Path.GetTempPath(), $"simil-fuzz-{Environment.ProcessId}.simil");
        File.WriteAllBytes(path, data);
        try
        {
            using var index = VectorIndex.Open(path);
            index.Verify();
            var query = new float[index.Dimensions];
            Array.Fill(query, 1f);
            _ = index.Search(query, 3);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A target allocated far more than its input justifies.</summary>
public sealed class AllocationFinding(string message) : Exception(message);
