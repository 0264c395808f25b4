namespace Simil.Embeddings;

/// <summary>
/// sentence-transformers' Pooling module (<c>1_Pooling/config.json</c>): from the token embeddings of
/// one text to one vector, by each mode the config sets, concatenated in sentence-transformers'
/// order — CLS, max, mean, mean over √length, position-weighted mean, last token. With
/// <see cref="IncludePrompt"/> false, a prompt's tokens are left out of the means and the max, as
/// sentence-transformers leaves them out.
/// </summary>
sealed record Pooling(int WordDimension, bool Cls, bool Max, bool Mean, bool MeanSqrtLen, bool WeightedMean, bool LastToken, bool IncludePrompt = true)
{
    /// <summary>Mean pooling over a given width.</summary>
    public static Pooling MeanOf(int width) => new(width, false, false, true, false, false, false);

    /// <summary>[CLS] pooling over a given width.</summary>
    public static Pooling ClsOf(int width) => new(width, true, false, false, false, false, false);

    int Count => (Cls ? 1 : 0) + (Max ? 1 : 0) + (Mean ? 1 : 0) + (MeanSqrtLen ? 1 : 0) + (WeightedMean ? 1 : 0) + (LastToken ? 1 : 0);

    /// <summary>The pooled vector's length: the token width times the number of modes.</summary>
    public int Dimensions => WordDimension * Count;

    /// <summary>The modes, as sentence-transformers names them.</summary>
    public string Modes => string.Join("+", new[] { (Cls, "cls"), (Max, "max"), (Mean, "mean"), (MeanSqrtLen, "mean_sqrt_len"), (WeightedMean, "weightedmean"), (LastToken, "lasttoken") }
        .Where(m => m.Item1).Select(m => m.Item2)) + (IncludePrompt ? "" : " (prompt excluded)");

    /// <summary>
    /// Pools one text: <paramref name="hidden"/> holds its token embeddings (row t at t × width) of which
    /// the first <paramref name="tokens"/> are real; the first <paramref name="promptTokens"/> of them
    /// are the prompt's. Writes <see cref="Dimensions"/> values to <paramref name="output"/>.
    /// </summary>
    public void Apply(ReadOnlySpan<float> hidden, int tokens, int promptTokens, Span<double> output)
    {
        int D = WordDimension;
        int first = IncludePrompt ? 0 : Math.Min(promptTokens, tokens);
        int at = 0;
        if (Cls)
        {
            for (int d = 0; d < D; d++)
                output[at + d] = hidden[d];
            at += D;
        }
        if (Max)
        {
            var o = output.Slice(at, D);
            // sentence-transformers sets left-out tokens to -1e9 before the max.
            o.Fill(-1e9);
            for (int t = first; t < tokens; t++)
                for (int d = 0; d < D; d++)
                    o[d] = Math.Max(o[d], hidden[t * D + d]);
            at += D;
        }
        if (Mean || MeanSqrtLen)
        {
            var s = new double[D];
            for (int t = first; t < tokens; t++)
                for (int d = 0; d < D; d++)
                    s[d] += hidden[t * D + d];
            double n = Math.Max(tokens - first, 1e-9);
            if (Mean)
            {
                for (int d = 0; d < D; d++)
                    output[at + d] = s[d] / n;
                at += D;
            }
            if (MeanSqrtLen)
            {
                for (int d = 0; d < D; d++)
                    output[at + d] = s[d] / Math.Sqrt(n);
                at += D;
            }
        }
        if (WeightedMean)
        {
            double weights = 0;
            var o = output.Slice(at, D);
            o.Clear();
            for (int t = first; t < tokens; t++)
            {
                double w = t + 1;
                weights += w;
                for (int d = 0; d < D; d++)
                    o[d] += w * hidden[t * D + d];
            }
            weights = Math.Max(weights, 1e-9);
            for (int d = 0; d < D; d++)
                o[d] /= weights;
            at += D;
        }
        if (LastToken)
        {
            int last = Math.Max(tokens - 1, 0);
            for (int d = 0; d < D; d++)
                output[at + d] = hidden[last * D + d];
        }
    }
}
