using Simil.Kernels;

namespace Simil.Tests;

/// <summary>
/// bfloat16: every one of the 65,536 bit patterns widens to exactly float32's top half at every
/// width; narrowing rounds to nearest, ties to even, checked against the nearest of the two
/// neighbouring bfloat16 values in float64; the kernels meet the float32 accuracy rule against a
/// float64 reference of the widened values, at every length, on every forced path.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class BFloat16Tests
{
    static void Same(BFloat16 h, float widened, string where)
    {
        uint expected = (uint)h.Bits << 16;
        Assert.True(expected == BitConverter.SingleToUInt32Bits(widened),
            $"{where}: bfloat16 0x{h.Bits:X4} widened to 0x{BitConverter.SingleToUInt32Bits(widened):X8}, not 0x{expected:X8}");
    }

    [Fact]
    public void Every_bfloat16_widens_exactly_at_every_width()
    {
        var all = new BFloat16[65_536];
        for (int i = 0; i < all.Length; i++)
            all[i] = BFloat16.FromBits((ushort)i);
        ref BFloat16 start = ref all[0];
        for (int i = 0; i < all.Length; i += 16)
        {
            var v512 = BFloat16Loader.Load512(ref start, (nuint)i);
            var v256 = BFloat16Loader.Load256(ref start, (nuint)i);
            var v128 = BFloat16Loader.Load128(ref start, (nuint)i);
            for (int j = 0; j < 16; j++)
            {
                Same(all[i + j], v512[j], "512");
                Same(all[i + j], BFloat16Loader.Load(ref start, (nuint)(i + j)), "scalar");
                Same(all[i + j], (float)all[i + j], "cast");
                if (j < 8)
                    Same(all[i + j], v256[j], "256");
                if (j < 4)
                    Same(all[i + j], v128[j], "128");
            }
        }
    }

    [Fact]
    public void Narrowing_rounds_to_nearest_ties_to_even()
    {
        var random = new Random(5);
        var values = new List<float> { 0f, -0f, 1f, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, float.PositiveInfinity, float.NegativeInfinity };
        // Exact ties: a bfloat16 plus half a step, both with an even and an odd last bit.
        for (uint top = 0x3F80; top < 0x3F90; top++)
            values.Add(BitConverter.UInt32BitsToSingle((top << 16) | 0x8000));
        for (int i = 0; i < 200_000; i++)
            values.Add(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));
        foreach (float v in values)
        {
            var narrowed = (BFloat16)v;
            if (float.IsNaN(v))
            {
                Assert.True(float.IsNaN((float)narrowed));
                continue;
            }
            uint bits = BitConverter.SingleToUInt32Bits(v);
            ushort down = (ushort)(bits >> 16), up = (ushort)(down + 1);
            // IEEE rounding as if the exponent were unbounded: the step past the largest finite value is 2^128, which overflows to ∞.
            double Value(ushort b) => (b & 0x7FFF) == 0x7F80 ? Math.CopySign(Math.ScaleB(1, 128), (b & 0x8000) != 0 ? -1 : 1) : (float)BFloat16.FromBits(b);
            double distanceDown = float.IsInfinity(v) ? 0 : Math.Abs(v - Value(down));
            double distanceUp = float.IsInfinity(v) ? 1 : Math.Abs(v - Value(up));
            ushort expected = distanceDown < distanceUp ? down : distanceUp < distanceDown ? up : (down & 1) == 0 ? down : up;
            Assert.True(expected == narrowed.Bits, $"{v:R} (0x{bits:X8}) narrowed to 0x{narrowed.Bits:X4}, not 0x{expected:X4}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelAccuracyTests.Lengths), MemberType = typeof(KernelAccuracyTests))]
    public void Kernels_meet_the_float32_rule_against_float64_of_the_widened_values(int length)
    {
        var random = new Random(length + 19);
        var a = new BFloat16[length];
        var b = new BFloat16[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = Pick(random);
            b[i] = Pick(random);
        }
        double dot = 0, magnitude = 0, l2 = 0, aa = 0, bb = 0;
        for (int i = 0; i < length; i++)
        {
            double x = (float)a[i], y = (float)b[i];
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

    static BFloat16 Pick(Random random) => random.Next(20) switch
    {
        0 => BFloat16.FromBits((ushort)random.Next(1, 0x80)),          // subnormal
        1 => BFloat16.FromBits(random.Next(2) == 0 ? (ushort)0 : (ushort)0x8000),
        2 => (BFloat16)(float)(random.NextDouble() * 1e15),           // a wide exponent range (squares stay finite)
        _ => (BFloat16)(float)(random.NextDouble() * 4 - 2),
    };

    [Fact]
    public void Vectors_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Similarity.Dot(new BFloat16[3], new BFloat16[4]));
        Assert.Throws<ArgumentException>(() => Similarity.Cosine(new BFloat16[3], new BFloat16[4]));
        Assert.Throws<ArgumentException>(() => Similarity.L2Squared(new BFloat16[3], new BFloat16[4]));
    }
}
