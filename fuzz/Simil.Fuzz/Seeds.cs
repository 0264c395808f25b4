using System.Text;
using Simil.IO;
using Simil.Quantization;

namespace Simil.Fuzz;

/// <summary>Small, valid inputs for every target: generated, and cut from ../shared/data at line boundaries.</summary>
static class Seeds
{
    public static void Write(string dir, string? gensim)
    {
        var random = new Random(5);
        var keys = new[] { "king", "queen", "man", "woman", "café" };
        var small = EmbeddingMatrix.Create(Enumerable.Range(0, 5 * 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), 4, keys);
        var wide = EmbeddingMatrix.Create(Enumerable.Range(0, 3 * 20).Select(i => i % 7 == 0 ? 0f : (float)random.NextDouble()).ToArray(), 20);
        var float64 = EmbeddingMatrix.Create(Enumerable.Range(0, 6).Select(i => i * 0.5).ToArray(), 3);

        void Put(string target, string name, byte[] bytes)
        {
            Directory.CreateDirectory(Path.Combine(dir, target));
            AtomicFile.Write(Path.Combine(dir, target, name), stream => stream.Write(bytes));
        }
        byte[] Written(EmbeddingMatrix m, VectorFileFormat format)
        {
            using var stream = new MemoryStream();
            VectorFileWriter.Write(stream, m, format);
            return stream.ToArray();
        }

        foreach (var (name, m) in new[] { ("small", small), ("wide", wide), ("float64", float64) })
        {
            Put("npy", name + ".npy", Written(m, VectorFileFormat.Npy));
            Put("sniff", name + ".npy", Written(m, VectorFileFormat.Npy));
            Put("text", name + ".txt", Written(m, VectorFileFormat.Text));
            Put("csv", name + ".csv", Written(m, VectorFileFormat.Csv));
            Put("tsv", name + ".tsv", Written(m, VectorFileFormat.Tsv));
            Put("fvecs", name + ".fvecs", Fvecs(m));
            Put("jsonl", name + ".jsonl", Written(m, VectorFileFormat.JsonLines));
        }
        Put("npy", "one-dimension.npy", Written(EmbeddingMatrix.Create([1f, 2f, 3f], 3), VectorFileFormat.Npy));
        // bfloat16 bits as a <u2 array: the header by hand, the values 1.0, -2.0, 0.5, 0.
        var header = "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 2), }";
        header = header.PadRight(64 - 10 - 1) + "\n";
        var npy = new List<byte> { 0x93 };
        npy.AddRange("NUMPY"u8.ToArray());
        npy.AddRange(new byte[] { 1, 0, (byte)header.Length, 0 });
        npy.AddRange(Encoding.ASCII.GetBytes(header));
        foreach (ushort bits in new ushort[] { 0x3F80, 0xC000, 0x3F00, 0x0000 })
            npy.AddRange(BitConverter.GetBytes(bits));
        Put("npy-bfloat16", "bf16.npy", [.. npy]);

        Put("word2vec-text", "small.txt", Written(small, VectorFileFormat.Word2VecText));
        Put("word2vec-binary", "small.bin", Written(small, VectorFileFormat.Word2VecBinary));
        Put("sniff", "small.bin", Written(small, VectorFileFormat.Word2VecBinary));
        // GloVe is word2vec text without its header line.
        var word2vec = Encoding.UTF8.GetString(Written(small, VectorFileFormat.Word2VecText));
        Put("glove", "small.txt", Encoding.UTF8.GetBytes(word2vec[(word2vec.IndexOf('\n') + 1)..]));
        Put("fasttext", "small.vec", Written(small, VectorFileFormat.Word2VecText));
        Put("plain", "lines.txt", "A man is playing a guitar.\nA woman slices an onion.\n\n  spaced  \n"u8.ToArray());
        Put("jsonl", "texts.jsonl", "{\"id\": \"a\", \"text\": \"hello\"}\n{\"id\": 2, \"vector\": [1, 2.5e-3, -3]}\n"u8.ToArray());
        Put("literal", "commas.txt", "[1, 2, 3]"u8.ToArray());
        Put("literal", "numpy.txt", "[ 1.5e-3 -2.  .5 ]"u8.ToArray());

        // Cut from ../shared/data/gensim (public data; see its README): whole lines, a few KB at most.
        if (gensim is not null)
        {
            Put("fasttext", "toy-model.vec", File.ReadAllBytes(Path.Combine(gensim, "toy-model.vec")));
            Put("word2vec-text", "toy-model.vec", File.ReadAllBytes(Path.Combine(gensim, "toy-model.vec")));
            Put("glove", "test_glove-head.txt", HeadLines(Path.Combine(gensim, "test_glove.txt"), 3));
            Put("sniff", "lee_fasttext-head.vec", HeadLines(Path.Combine(gensim, "lee_fasttext.vec"), 3));
        }

        // Index files: flat float32 with keys, HNSW, int8 with float32 rows kept, binary.
        string temp = Path.Combine(Path.GetTempPath(), $"simil-seed-{Environment.ProcessId}.simil");
        void PutIndex(string name, VectorIndex index)
        {
            index.Save(temp);
            Put("index", name, File.ReadAllBytes(temp));
            File.Delete(temp);
        }
        PutIndex("flat.simil", new FlatIndex(small, Metric.Cosine));
        PutIndex("hnsw.simil", HnswIndex.Build(small, Metric.L2Squared));
        PutIndex("int8-rescore.simil", new FlatIndex(wide, Metric.Dot, new IndexCompression(Precision.Int8, KeepFloat32: true)));
        PutIndex("binary.simil", new FlatIndex(wide, Metric.Cosine, new IndexCompression(Precision.Binary)));
    }

    /// <summary>.fvecs: each row as an int32 dimension count and its float32 values (Simil writes no fvecs).</summary>
    static byte[] Fvecs(EmbeddingMatrix m)
    {
        var bytes = new List<byte>();
        for (int r = 0; r < m.Count; r++)
        {
            bytes.AddRange(BitConverter.GetBytes(m.Dimensions));
            foreach (float v in m[r])
                bytes.AddRange(BitConverter.GetBytes(v));
        }
        return [.. bytes];
    }

    /// <summary>The first <paramref name="lines"/> lines of a file, a word2vec header's count rewritten when there is one.</summary>
    static byte[] HeadLines(string path, int lines)
    {
        var head = File.ReadLines(path).Take(lines).ToList();
        var parts = head[0].Split(' ');
        if (parts.Length == 2 && int.TryParse(parts[0], out _))
            head[0] = $"{lines - 1} {parts[1]}";
        return Encoding.UTF8.GetBytes(string.Join('\n', head) + "\n");
    }
}
