using Simil.Kernels;

namespace Simil.Tests;

/// <summary>
/// float16: every one of the 65,536 bit patterns widens to exactly the float32 that
/// <c>(float)Half</c> gives, at every width; and the kernels over float16 meet the float32 accuracy
/// rule against a float64 reference of the widened values, at every length, on every forced path.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class Float16Tests
{
    static Half[] AllPatterns()
    {
        var all = new Half[65_536];
        for (int i = 0; i < all.Length; i++)
            all[i] = BitConverter.UInt16BitsToHalf((ushort)i);
        return all;
    }

    static void Same(Half h, float widened, string where)
    {
        float expected = (float)h;
        bool same = float.IsNaN(expected) ? float.IsNaN(widened) : BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(widened);
        Assert.True(same, $"{where}: half 0x{BitConverter.HalfToUInt16Bits(h):X4} widened to {widened} (0x{BitConverter.SingleToUInt32Bits(widened):X8}), not {expected}");
    }

    [Fact]
    public void Every_float16_widens_exactly_at_every_width()
    {
        var all = AllPatterns();
        ref Half start = ref all[0];
        for (int i = 0; i < all.Length; i += 16)
        {
            var v512 = Float16Loader.Load512(ref start, (nuint)i);
            var v256 = Float16Loader.Load256(ref start, (nuint)i);
            var v128 = Float16Loader.Load128(ref start, (nuint)i);
            for (int j = 0; j < 16; j++)
            {
                Same(all[i + j], v512[j], "512");
                Same(all[i + j], Float16Loader.Load(ref start, (nuint)(i + j)), "scalar");
                if (j < 8)
                    Same(all[i + j], v256[j], "256");
                if (j < 4)
                    Same(all[i + j], v128[j], "128");
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelAccuracyTests.Lengths), MemberType = typeof(KernelAccuracyTests))]
    public void Kernels_meet_the_float32_rule_against_float64_of_the_widened_values(int length)
    {
        var random = new Random(length + 17);
        var a = new Half[length];
        var b = new Half[length];
        for (int i = 0; i < length; i++)
        {
            // Mostly ordinary values, with subnormals, zeros of both signs and the largest finite ones.
            a[i] = Pick(random);
            b[i] = Pick(random);
        }
        double dot = 0, magnitude = 0, l2 = 0, aa = 0, bb = 0;
        for (int i = 0; i < length; i++)
        {
            double x = (double)a[i], y = (double)b[i];
            dot += x * y;
            magnitude += Math.Abs(x * y);
            l2 += (x - y) * (x - y);
            aa += x * x;
            bb += y * y;
        }
        Assert.InRange(Similarity.Dot(a, b) - dot, -1e-6 * magnitude - 1e-30, 1e-6 * magnitude + 1e-30);
        Assert.InRange(Similarity.L2Squared(a, b) - l2, -1e-6 * l2 - 1e-30, 1e-6 * l2 + 1e-30);
        double cosine = aa == 0 || bb == 0 ? 0 : Math.Clamp(dot / (Math.Sqrt(aa) * Math.Sqrt(bb)), -1, 1);
        double tolerance = 2e-6 + (aa == 0 || bb == 0 ? 0 : 1e-6 * magnitude / (Math.Sqrt(aa) * Math.Sqrt(bb)));
        Assert.InRange(Similarity.Cosine(a, b) - cosine, -tolerance, tolerance);
    }

    static Half Pick(Random random) => random.Next(20) switch
    {
        0 => BitConverter.UInt16BitsToHalf((ushort)random.Next(1, 0x400)),          // subnormal
        1 => random.Next(2) == 0 ? Half.Zero : Half.NegativeZero,
        2 => random.Next(2) == 0 ? Half.MaxValue : Half.MinValue,
        _ => (Half)(random.NextDouble() * 4 - 2),
    };

    [Fact]
    public void Vectors_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Similarity.Dot(new Half[3], new Half[4]));
        Assert.Throws<ArgumentException>(() => Similarity.Cosine(new Half[3], new Half[4]));
        Assert.Throws<ArgumentException>(() => Similarity.L2Squared(new Half[3], new Half[4]));
    }
}
