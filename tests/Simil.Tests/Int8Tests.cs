using System.Numerics;

namespace Simil.Tests;

/// <summary>
/// int8 dot, squared L2 and cosine, and the Hamming distance of packed bits: exactly equal to a
/// scalar 64-bit reference at every length 0..1,100 and at 65,536, extremes included, on every
/// forced kernel path.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class Int8Tests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 1100; n++) data.Add(n);
        data.Add(65_536);
        data.Add(300_001);
        data.Add(1_100_000);   // past the int32 lanes' limit on the widest path without the 64-bit fold
        return data;
    }

    static sbyte[] Vector(Random random, int length, int mode) => [.. Enumerable.Range(0, length).Select(_ => mode switch
    {
        0 => (sbyte)-128,                                   // the extreme: every product 16,384
        1 => (sbyte)(random.Next(2) == 0 ? -128 : 127),     // largest differences
        _ => (sbyte)random.Next(-128, 128),
    })];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Int8_sums_are_exact(int length)
    {
        var random = new Random(length + 23);
        foreach (var (ma, mb) in new[] { (2, 2), (0, 0), (1, 1), (0, 1) })
        {
            var a = Vector(random, length, ma);
            var b = Vector(random, length, mb);
            long dot = 0, l2 = 0, aa = 0, bb = 0;
            for (int i = 0; i < length; i++)
            {
                dot += a[i] * b[i];
                l2 += (long)(a[i] - b[i]) * (a[i] - b[i]);
                aa += a[i] * a[i];
                bb += b[i] * b[i];
            }
            Assert.Equal(dot, Similarity.Dot(a, b));
            Assert.Equal(l2, Similarity.L2Squared(a, b));
            float cosine = aa == 0 || bb == 0 ? 0 : (float)Math.Clamp(dot / (Math.Sqrt(aa) * Math.Sqrt(bb)), -1, 1);
            Assert.InRange(Similarity.Cosine(a, b), cosine - 1e-6f, cosine + 1e-6f);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Int16_weights_against_int8_codes_sum_exactly(int length)
    {
        // The asymmetric int8 scan's kernel: every int32 lane at its largest (−32,768 × −128 a product) and mixed signs.
        var random = new Random(length + 31);
        foreach (var mode in new[] { 0, 1, 2 })
        {
            var w = Enumerable.Range(0, length).Select(_ => mode switch
            {
                0 => short.MinValue,
                1 => random.Next(2) == 0 ? short.MinValue : short.MaxValue,
                _ => (short)random.Next(short.MinValue, short.MaxValue + 1),
            }).ToArray();
            var c = Vector(random, length, mode == 2 ? 2 : mode);
            long expected = 0;
            for (int i = 0; i < length; i++)
                expected += w[i] * c[i];
            Assert.Equal(expected, Simil.Kernels.Int8.Int8Kernel.DotWeights16(w, c));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Hamming_distances_are_exact(int length)
    {
        var random = new Random(length + 29);
        var a = new byte[length];
        var b = new byte[length];
        random.NextBytes(a);
        random.NextBytes(b);
        long expected = 0;
        for (int i = 0; i < length; i++)
            expected += BitOperations.PopCount((uint)(a[i] ^ b[i]));
        Assert.Equal(expected, Similarity.Hamming(a, b));
        Assert.Equal(0, Similarity.Hamming(a, a));
        Assert.Equal(8L * length, Similarity.Hamming(a, [.. a.Select(x => (byte)~x)]));
    }

    [Fact]
    public void Vectors_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Similarity.Dot(new sbyte[3], new sbyte[4]));
        Assert.Throws<ArgumentException>(() => Similarity.L2Squared(new sbyte[3], new sbyte[4]));
        Assert.Throws<ArgumentException>(() => Similarity.Cosine(new sbyte[3], new sbyte[4]));
        Assert.Throws<ArgumentException>(() => Similarity.Hamming(new byte[3], new byte[4]));
    }
}
