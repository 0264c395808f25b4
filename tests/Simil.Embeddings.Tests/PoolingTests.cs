namespace Simil.Embeddings.Tests;

/// <summary>
/// Every pooling mode of sentence-transformers' Pooling module against its formula in float64 on
/// random token embeddings (the PyTorch parity test in <see cref="ModelFolderTests"/> covers CLS,
/// max and mean through the fixtures): mean over √length, position-weighted mean (weights 1…n),
/// last token, the modes concatenated in sentence-transformers' order, and a prompt left out.
/// </summary>
public sealed class PoolingTests
{
    const int Width = 8;

    static float[] Hidden(int tokens, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, (tokens + 3) * Width).Select(_ => (float)(random.NextDouble() * 4 - 2))];   // 3 padding rows past the text
    }

    static double[] Reference(float[] hidden, int tokens, int first, string mode)
    {
        var result = new double[Width];
        for (int d = 0; d < Width; d++)
        {
            double Value(int t) => hidden[t * Width + d];
            var used = Enumerable.Range(first, tokens - first).ToArray();
            result[d] = mode switch
            {
                "cls" => Value(0),
                "max" => used.Length == 0 ? -1e9 : used.Max(Value),
                "mean" => used.Sum(Value) / Math.Max(used.Length, 1e-9),
                "mean_sqrt_len" => used.Sum(Value) / Math.Sqrt(Math.Max(used.Length, 1e-9)),
                "weightedmean" => used.Sum(t => (t + 1) * Value(t)) / Math.Max(used.Sum(t => t + 1.0), 1e-9),
                "lasttoken" => Value(tokens - 1),
                _ => throw new ArgumentException(mode),
            };
        }
        return result;
    }

    [Theory]
    [InlineData("cls")]
    [InlineData("max")]
    [InlineData("mean")]
    [InlineData("mean_sqrt_len")]
    [InlineData("weightedmean")]
    [InlineData("lasttoken")]
    public void EachModeIsItsFormula(string mode)
    {
        var pooling = new Pooling(Width, mode == "cls", mode == "max", mode == "mean", mode == "mean_sqrt_len", mode == "weightedmean", mode == "lasttoken");
        Assert.Equal(mode, pooling.Modes);
        foreach (int tokens in new[] { 1, 2, 7, 40 })
        {
            var hidden = Hidden(tokens, tokens);
            var output = new double[Width];
            pooling.Apply(hidden, tokens, promptTokens: 3, output);   // include_prompt: the prompt counts
            Assert.Equal(Reference(hidden, tokens, 0, mode), output, (a, b) => Math.Abs(a - b) <= 1e-12);
        }
    }

    [Fact]
    public void ModesAreConcatenatedInSentenceTransformersOrderAndAPromptIsLeftOut()
    {
        var pooling = new Pooling(Width, true, true, true, true, true, true, IncludePrompt: false);
        Assert.Equal(6 * Width, pooling.Dimensions);
        var hidden = Hidden(12, 5);
        var output = new double[pooling.Dimensions];
        pooling.Apply(hidden, 12, promptTokens: 4, output);
        string[] order = ["cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken"];
        for (int m = 0; m < order.Length; m++)
            Assert.Equal(Reference(hidden, 12, 4, order[m]), output[(m * Width)..((m + 1) * Width)], (a, b) => Math.Abs(a - b) <= 1e-12);
    }
}
