using System.Diagnostics;
using Simil.IO;

namespace Simil.Tests.IO;

/// <summary>
/// Random damage (truncation, flipped bytes, spliced ranges) to a valid file of every format: the
/// reader must give a clean <see cref="InputException"/> or a correct read, never another
/// exception, a crash or a hang.
/// </summary>
public sealed class CorruptionTests
{
    public static TheoryData<VectorFileFormat> Formats() => [.. VectorFileWriter.Writable, VectorFileFormat.Fvecs, VectorFileFormat.GloVe];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Damaged_files_fail_cleanly_or_read(VectorFileFormat format)
    {
        var original = Valid(format);
        var random = new Random((int)format * 31 + 7);
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = Damage(original, random);
            var clock = Stopwatch.StartNew();
            try
            {
                var content = VectorFile.Read(new MemoryStream(bytes), "damaged", new VectorReadOptions { Format = trial % 2 == 0 ? format : null });
                if (content.Vectors is { } m)
                {
                    Assert.True(m.Count > 0 && m.Dimensions > 0);
                    foreach (var v in m.Data)
                        Assert.True(float.IsFinite(v));
                }
                else
                    Assert.NotEmpty(content.Texts!);
            }
            catch (InputException e)
            {
                Assert.StartsWith("damaged: ", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "a damaged file took too long to read");
        }
    }

    static byte[] Valid(VectorFileFormat format)
    {
        var random = new Random(1);
        var data = new float[20 * 8];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        var m = EmbeddingMatrix.Create(data, 8, [.. Enumerable.Range(0, 20).Select(i => $"w{i}")]);
        var bytes = new MemoryStream();
        switch (format)
        {
            case VectorFileFormat.Fvecs:
                var w = new BinaryWriter(bytes);
                for (int r = 0; r < m.Count; r++)
                {
                    w.Write(m.Dimensions);
                    foreach (var v in m[r]) w.Write(v);
                }
                w.Flush();
                break;
            case VectorFileFormat.GloVe:
                VectorFileWriter.Write(bytes, m, VectorFileFormat.Word2VecText);
                var text = bytes.ToArray();
                return text[(Array.IndexOf(text, (byte)'\n') + 1)..];
            default:
                VectorFileWriter.Write(bytes, m, format);
                break;
        }
        return bytes.ToArray();
    }

    static byte[] Damage(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(3))
        {
            case 0:
                return bytes[..random.Next(bytes.Length)];
            case 1:
                for (int i = 0, n = random.Next(1, 8); i < n; i++)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            default:
                int from = random.Next(bytes.Length), to = random.Next(bytes.Length), length = random.Next(1, 64);
                length = Math.Min(length, Math.Min(bytes.Length - from, bytes.Length - to));
                var spliced = bytes[..to].Concat(bytes.AsSpan(from, length).ToArray()).Concat(bytes[to..]).ToArray();
                return spliced;
        }
    }
}
