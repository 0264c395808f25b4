using Microsoft.ML.OnnxRuntime;
using Simil.Embeddings.Tokenization;

namespace Simil.Embeddings;

/// <summary>
/// A sentence-transformers model run by Simil's own pipeline: tokenize every text once, sort by
/// token count, cut into batches of 16 of similar length (little padding), run the batches in parallel
/// on one shared ONNX session (one intra-op thread each, one batch per core), then pool, apply any
/// Dense layers and scale to unit length where the model's modules say, as sentence-transformers does.
/// </summary>
sealed class SentenceModel : IDisposable
{
    const int BatchSize = 16;

    readonly ModelSpec _spec;
    readonly InferenceSession _session;
    readonly TextTokenizer _tokenizer;
    readonly Lock _tokenizerGate = new();
    readonly string _output;

    public SentenceModel(ModelSpec spec)
    {
        _spec = spec;
        _tokenizer = spec.Tokenizer();
        foreach (var dense in spec.Dense)
            dense.Load();
        var bytes = spec.Onnx();
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(bytes, options);
        _output = _session.OutputMetadata.ContainsKey("last_hidden_state") ? "last_hidden_state"
            : _session.OutputMetadata.ContainsKey("token_embeddings") ? "token_embeddings"
            : _session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.Length == 3).Key
            ?? throw new InputException(spec.Name, $"its ONNX graph gives no token embeddings (outputs: {string.Join(", ", _session.OutputMetadata.Keys)}); Simil pools token embeddings itself");
        int width = _session.OutputMetadata[_output].Dimensions[^1];
        if (width > 0 && width != spec.Pooling.WordDimension)
            throw new InputException(spec.Name, $"its ONNX graph gives {width}-value token embeddings, but its Pooling config says {spec.Pooling.WordDimension}");
        foreach (var input in _session.InputMetadata.Keys)
            if (input is not ("input_ids" or "attention_mask" or "token_type_ids"))
                throw new InputException(spec.Name, $"its ONNX graph asks for an input {input}; Simil feeds input_ids, attention_mask and token_type_ids");
    }

    /// <summary>The tokenizer, for chunking (call it under <see cref="TokenizerGate"/>).</summary>
    public TextTokenizer Tokenizer => _tokenizer;

    /// <summary>The lock the tokenizer is used under.</summary>
    public Lock TokenizerGate => _tokenizerGate;

    /// <summary>
    /// Embeds <paramref name="texts"/>, each after <paramref name="prompt"/> (none: null or empty),
    /// into <paramref name="output"/> (texts.Count × Dimensions, row-major), reporting each
    /// finished text to <paramref name="progress"/>.
    /// </summary>
    /// <returns>How many texts were longer than the model's token limit and were cut.</returns>
    public int Embed(IReadOnlyList<string> texts, string? prompt, Span<float> output, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
            return 0;
        var tokens = new long[texts.Count][];
        int cut = 0, promptTokens = 0;
        prompt ??= "";
        lock (_tokenizerGate)
        {
            if (prompt.Length > 0)   // as sentence-transformers counts it: the prompt's ids less one (its closing token)
                promptTokens = Math.Max(0, _tokenizer.Encode(Cased(prompt), _spec.MaxTokens, out _).Length - 1);
            for (int i = 0; i < texts.Count; i++)
            {
                tokens[i] = _tokenizer.Encode(Cased(prompt + texts[i]), _spec.MaxTokens, out bool wasCut);
                cut += wasCut ? 1 : 0;
            }
        }
        Run(tokens, promptTokens, output, progress, cancellationToken);
        return cut;
    }

    /// <summary>Embeds texts already tokenized (special tokens included, within the limit): chunks.</summary>
    public void EmbedTokens(long[][] tokens, int promptTokens, Span<float> output, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (tokens.Length > 0)
            Run(tokens, promptTokens, output, progress, cancellationToken);
    }

    string Cased(string text) => _spec.LowerCase ? text.ToLowerInvariant() : text;

    void Run(long[][] tokens, int promptTokens, Span<float> output, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var order = Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length).ToArray();
        int batches = (order.Length + BatchSize - 1) / BatchSize;
        var result = new float[tokens.Length * _spec.Dimensions];
        Parallel.For(0, batches, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, b =>
        {
            var rows = order.AsSpan(b * BatchSize, Math.Min(BatchSize, order.Length - b * BatchSize)).ToArray();
            RunBatch(tokens, rows, promptTokens, result);
            progress?.Report(rows.Length);
        });
        result.CopyTo(output);
    }

    void RunBatch(long[][] tokens, int[] rows, int promptTokens, float[] result)
    {
        int length = rows.Max(r => tokens[r].Length);
        int count = rows.Length;
        var ids = new long[count * length];
        var mask = new long[count * length];
        var types = new long[count * length];
        for (int s = 0; s < count; s++)
        {
            var t = tokens[rows[s]];
            ids.AsSpan(s * length, length).Fill(_tokenizer.PadId);
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
        int width = _spec.Pooling.WordDimension;
        int widest = Math.Max(_spec.Pooling.Dimensions, _spec.Dense.Count == 0 ? 0 : _spec.Dense.Max(d => d.OutFeatures));
        var a = new double[widest];
        var b = new double[widest];
        for (int s = 0; s < count; s++)
        {
            var x = a.AsSpan(0, _spec.Pooling.Dimensions);
            _spec.Pooling.Apply(hidden.Slice(s * length * width, length * width), tokens[rows[s]].Length, promptTokens, x);
            foreach (var dense in _spec.Dense)
            {
                var y = b.AsSpan(0, dense.OutFeatures);
                dense.Apply(x, y);
                (a, b) = (b, a);
                x = a.AsSpan(0, dense.OutFeatures);
            }
            double norm = 0;
            foreach (double v in x)
                norm += v * v;
            double scale = _spec.Normalize ? 1 / Math.Max(Math.Sqrt(norm), 1e-12) : 1;
            var target = result.AsSpan(rows[s] * _spec.Dimensions, _spec.Dimensions);
            for (int d = 0; d < target.Length; d++)
                target[d] = (float)(x[d] * scale);
        }
    }

    public void Dispose() => _session.Dispose();
}
