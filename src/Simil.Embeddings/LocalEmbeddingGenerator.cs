using Microsoft.Extensions.AI;

namespace Simil.Embeddings;

/// <summary>
/// A sentence-transformers model run locally (ONNX Runtime, no network) behind
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: all-MiniLM-L6-v2
/// (<see cref="MiniLmEmbeddingGenerator"/>), arctic-embed-xs, or a model directory
/// (<see cref="EmbeddingModels.Create"/>).
/// </summary>
/// <remarks>
/// The model is loaded once, on first use, and kept for the generator's lifetime. A call's texts
/// are tokenized, sorted by length and run in batches of similar length on every core; results
/// come back in the input's order. The generator is thread-safe: concurrent calls share the one
/// model. Texts longer than the model's token limit are cut, as sentence-transformers cuts them.
/// </remarks>
public class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    readonly Lazy<SentenceModel> _model;
    readonly Lock _gate = new();
    readonly EmbeddingGeneratorMetadata _metadata;
    bool _disposed;

    private protected LocalEmbeddingGenerator(ModelSpec spec, PromptChoice? prompt = null)
    {
        RequestedPrompt = prompt;
        Name = spec.Name;
        EmbeddingLength = spec.Dimensions;
        MaxTokens = spec.MaxTokens;
        Prompts = spec.Prompts;
        Model = spec;
        _model = new(() => new SentenceModel(spec), LazyThreadSafetyMode.ExecutionAndPublication);
        _metadata = new("simil-local", defaultModelId: spec.Name, defaultModelDimensions: spec.Dimensions);
    }

    internal static LocalEmbeddingGenerator For(ModelSpec spec, PromptChoice? prompt) => new(spec, prompt);

    /// <summary>The prompt the program asked for (null: none asked; documents then take the model's default, queries its query prompt).</summary>
    public PromptChoice? RequestedPrompt { get; }

    /// <summary>The requested prompt's text, or null when none was asked for.</summary>
    /// <exception cref="InvalidSettingException">The model has no prompt of the requested name.</exception>
    public string? RequestedPromptText => RequestedPrompt?.For(this);

    /// <summary>The model's name, as <see cref="EmbeddingModels"/> lists it (for a directory: its path).</summary>
    public string Name { get; }

    /// <summary>The length of every embedding.</summary>
    public int EmbeddingLength { get; }

    /// <summary>The model's token limit ([CLS] and [SEP] included): longer texts are cut to it, as sentence-transformers cuts them.</summary>
    public int MaxTokens { get; }

    internal ModelSpec Model { get; }

    /// <summary>The model's prompts, the default prompt's name and the similarity it was trained for.</summary>
    public ModelPrompts Prompts { get; }

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a chunk size the model cannot take.</summary>
    public const string ChunkSetting = TextChunks.ChunkSetting;

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a chunk overlap out of range.</summary>
    public const string OverlapSetting = TextChunks.OverlapSetting;

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of an unknown prompt name.</summary>
    public const string PromptSetting = "Prompt";

    /// <summary>
    /// The text of the prompt named <paramref name="name"/>; null: the model's default prompt (none
    /// when it has no default). The result is "" when no prompt applies.
    /// </summary>
    /// <exception cref="InvalidSettingException">The model has no prompt of that name (<see cref="PromptSetting"/>; the reason lists its prompts).</exception>
    public string PromptText(string? name)
    {
        name ??= Prompts.DefaultName;
        if (name is null)
            return "";
        return Prompts.Prompts.TryGetValue(name, out var text) ? text
            : Prompts.Prompts.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value
            ?? throw new InvalidSettingException(PromptSetting, Prompts.Prompts.Count == 0
                ? $"{Name} has no prompts, so it has none called '{name}'"
                : $"{Name} has no prompt '{name}'; its prompts: {string.Join(", ", Prompts.Prompts.Keys)}");
    }

    /// <summary>The text put before documents: the requested prompt, else the model's default prompt, else none ("").</summary>
    public string DocumentPromptText => RequestedPromptText ?? PromptText(null);

    /// <summary>The text put before queries: the requested prompt, else the model's <c>query</c> prompt, else its default, else none ("").</summary>
    public string QueryPromptText => RequestedPromptText ?? (Prompts.QueryName is { } q ? Prompts.Prompts[q] : PromptText(null));

    /// <summary>
    /// The token ids the model sees for <paramref name="text"/>, special tokens included: cut at
    /// <see cref="MaxTokens"/> as embedding cuts it, or whole when <paramref name="truncate"/> is false.
    /// </summary>
    public long[] TokenIds(string text, bool truncate = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var model = _model.Value;
        lock (model.TokenizerGate)
            return model.Tokenizer.Encode(Model.LowerCase ? text.ToLowerInvariant() : text, truncate ? MaxTokens : int.MaxValue, out _);
    }

    /// <summary>
    /// <paramref name="text"/> cut into chunks of at most <paramref name="tokens"/> tokens each (the
    /// special tokens and <paramref name="prompt"/> not counted; they must fit beside it), whole
    /// words each, consecutive chunks sharing about <paramref name="overlap"/> tokens.
    /// </summary>
    /// <exception cref="InvalidSettingException">The chunk does not fit the model with its prompt, or the overlap is not below it.</exception>
    public IReadOnlyList<string> Chunks(string text, int tokens, int overlap = 0, string? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var model = _model.Value;
        lock (model.TokenizerGate)
        {
            var tokenizer = model.Tokenizer;
            string Cased(string t) => Model.LowerCase ? t.ToLowerInvariant() : t;
            int promptTokens = string.IsNullOrEmpty(prompt ?? DocumentPromptText) ? 0 : tokenizer.Content(Cased(prompt ?? DocumentPromptText)).Length;
            TextChunks.Check(tokens, overlap, MaxTokens, tokenizer, promptTokens, Name);
            return TextChunks.Cut(text, tokens, overlap, t => tokenizer.Content(Cased(t)).Length);
        }
    }

    /// <summary>What tokenizes the model's texts (e.g. "Unigram (tokenizer.json)").</summary>
    public string TokenizerKind
    {
        get
        {
            var model = _model.Value;
            return model.Tokenizer.Kind;
        }
    }

    /// <summary>The model's modules in order (e.g. "Transformer → Pooling (mean) → Dense 64→32 tanh → Normalize").</summary>
    public string Modules => Model.Modules;

    /// <summary>Raised after an embedding call in which texts were longer than <see cref="MaxTokens"/> and were cut; the argument is how many.</summary>
    public event Action<int>? TextsCut;

    /// <summary>What to tell a user about <paramref name="count"/> texts cut at the limit.</summary>
    public string CutMessage(int count) =>
        $"{count:N0} text{(count == 1 ? " was" : "s were")} longer than {Name}'s {MaxTokens} tokens and cut to that length (as sentence-transformers cuts them): the words past it do not count";

    /// <summary>
    /// Embeds <paramref name="values"/>, one embedding per value, in order. The model runs on the
    /// CPU: the work is queued to the thread pool, so the calling thread is free until it finishes,
    /// and <paramref name="cancellationToken"/> stops it between batches. <see cref="Embed"/> is the
    /// synchronous form. <paramref name="options"/>' additional property <c>prompt</c> (a prompt's text)
    /// or <c>prompt_name</c> (one of <see cref="Prompts"/>) chooses the prompt; else the model's default.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its items is null.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToArray();
        foreach (var text in texts)
            ArgumentNullException.ThrowIfNull(text, nameof(values));
        return Task.Run(() =>
        {
            string? prompt = options?.AdditionalProperties?.TryGetValue("prompt", out var p) == true && p is string text ? text
                : options?.AdditionalProperties?.TryGetValue("prompt_name", out var n) == true && n is string name ? PromptText(name)
                : null;
            var vectors = Embed(texts, cancellationToken, prompt);
            var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
            var created = DateTimeOffset.UtcNow;
            foreach (var v in vectors)
                result.Add(new Embedding<float>(v) { ModelId = Name, CreatedAt = created });
            return result;
        }, cancellationToken);
    }

    /// <summary>Embeds <paramref name="texts"/> synchronously: one vector of EmbeddingLength floats per text, in order; <paramref name="prompt"/> as in <see cref="EmbedMatrix"/>.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default, string? prompt = null)
    {
        var matrix = EmbedMatrix(texts, null, cancellationToken, prompt);
        var result = new float[texts.Count][];
        for (int i = 0; i < result.Length; i++)
            result[i] = matrix[i].ToArray();
        return result;
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> into one matrix (row i is text i), reporting the number of
    /// texts finished as batches complete, for a progress bar. Each text is embedded after
    /// <paramref name="prompt"/>, a prompt's text ("" for none; null for the model's default prompt,
    /// see <see cref="PromptText"/>), as sentence-transformers puts a prompt before a text.
    /// </summary>
    public EmbeddingMatrix EmbedMatrix(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default, string? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var text in texts)
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
        var data = new float[texts.Count * EmbeddingLength];
        int cut = _model.Value.Embed(texts, prompt ?? DocumentPromptText, data, progress, cancellationToken);
        if (cut > 0)
            TextsCut?.Invoke(cut);
        return EmbeddingMatrix.Over(new Simil.Storage.ArrayRows<float>(data, texts.Count, EmbeddingLength), new Simil.Storage.KeyMap(texts));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases the model.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the model.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
            return;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            if (_model.IsValueCreated)
                _model.Value.Dispose();
        }
    }
}
