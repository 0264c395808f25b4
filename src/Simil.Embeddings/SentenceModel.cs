using Microsoft.ML.OnnxRuntime;

namespace Simil.Embeddings;

/// <summary>
/// What runs a sentence-transformers model exported to ONNX: its name, embedding length, token
/// limit (sentence-transformers' max_seq_length: longer texts are cut, [SEP] — its id given — kept last), pooling
/// (mean over the attention mask, or the [CLS] token), whether embeddings are scaled to unit
/// length, the ONNX bytes and a tokenizer giving ids with [CLS] … [SEP].
/// </summary>
sealed record ModelSpec(string Name, int Dimensions, int MaxTokens, bool MeanPooling, bool Normalize,
    Func<byte[]> Onnx, Func<Func<string, long[]>> Tokenizer, long SeparatorId = 102);

/// <summary>
/// A sentence-transformers model run by Simil's own pipeline: tokenize every text once, sort by
/// token count, cut into batches of similar length (little padding), run the batches in parallel
/// on one shared ONNX session (one intra-op thread each, one batch per core), then pool (mean over
/// the attention mask, or [CLS]) and scale to unit length where the model does, as
/// sentence-transformers does.
/// </summary>
sealed class SentenceModel : IDisposable
{
    const int BatchSize = 32;

    readonly ModelSpec _spec;
    readonly InferenceSession _session;
    readonly Func<string, long[]> _tokenize;
    readonly Lock _tokenizerGate = new();
    readonly string _output;

    public SentenceModel(ModelSpec spec)
    {
        _spec = spec;
        _tokenize = spec.Tokenizer();
        var bytes = spec.Onnx();
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(bytes, options);
        _output = _session.OutputMetadata.ContainsKey("last_hidden_state") ? "last_hidden_state"
            : _session.OutputMetadata.ContainsKey("token_embeddings") ? "token_embeddings"
            : _session.OutputMetadata.Keys.First();
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> into <paramref name="output"/> (texts.Count × 384, row-major),
    /// reporting each finished text to <paramref name="progress"/>.
    /// </summary>
    /// <returns>How many texts were longer than the model's token limit and were cut.</returns>
    public int Embed(IReadOnlyList<string> texts, Span<float> output, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
            return 0;
        var tokens = new long[texts.Count][];
        int cut = 0;
        lock (_tokenizerGate)
            for (int i = 0; i < texts.Count; i++)
            {
                tokens[i] = Tokenize(texts[i], out bool wasCut);
                cut += wasCut ? 1 : 0;
            }
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokens[i].Length).ToArray();
        int batches = (order.Length + BatchSize - 1) / BatchSize;
        var result = new float[texts.Count * _spec.Dimensions];
        Parallel.For(0, batches, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
        {
            var rows = order.AsSpan(b * BatchSize, Math.Min(BatchSize, order.Length - b * BatchSize)).ToArray();
            RunBatch(tokens, rows, result);
            progress?.Report(rows.Length);
        });
        result.CopyTo(output);
        return cut;
    }

    long[] Tokenize(string text, out bool cut)
    {
        var ids = _tokenize(text);
        cut = ids.Length > _spec.MaxTokens;
        if (!cut)
            return ids;
        var kept = ids[.._spec.MaxTokens];
        // [SEP] last, as the Hugging Face tokenizer truncates. Not ids[^1]: the MiniLM package's
        // tokenizer itself stops at 512 tokens without one, which cost texts that long their [SEP].
        kept[^1] = _spec.SeparatorId;
        return kept;
    }

    void RunBatch(long[][] tokens, int[] rows, float[] result)
    {
        int length = rows.Max(r => tokens[r].Length);
        int count = rows.Length;
        var ids = new long[count * length];
        var mask = new long[count * length];
        var types = new long[count * length];
        for (int s = 0; s < count; s++)
        {
            var t = tokens[rows[s]];
            t.CopyTo(ids.AsSpan(s * length));
            mask.AsSpan(s * length, t.Length).Fill(1);
        }
        long[] shape = [count, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = idsValue,
            ["attention_mask"] = maskValue,
        };
        if (_session.InputMetadata.ContainsKey("token_type_ids"))
            inputs["token_type_ids"] = typesValue;
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, inputs, [_output]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        int D = _spec.Dimensions;
        Span<double> sum = stackalloc double[D];
        for (int s = 0; s < count; s++)
        {
            // Mean over the real tokens (the mask), or the first ([CLS]); then unit length where the model says.
            sum.Clear();
            int n = _spec.MeanPooling ? tokens[rows[s]].Length : 1;
            for (int t = 0; t < n; t++)
            {
                var h = hidden.Slice((s * length + t) * D, D);
                for (int d = 0; d < D; d++)
                    sum[d] += h[d];
            }
            double norm = 0;
            for (int d = 0; d < D; d++)
            {
                sum[d] /= n;
                norm += sum[d] * sum[d];
            }
            double scale = _spec.Normalize ? 1 / Math.Max(Math.Sqrt(norm), 1e-12) : 1;
            var target = result.AsSpan(rows[s] * D, D);
            for (int d = 0; d < D; d++)
                target[d] = (float)(sum[d] * scale);
        }
    }

    public void Dispose() => _session.Dispose();
}
