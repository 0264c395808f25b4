using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Simil.VectorData.Tests;

public sealed class Note
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreVector(3)]
    public string? Text { get; set; }
}

/// <summary>A generator that names its model and gives each text a fixed vector from its letters.</summary>
sealed class NamedGenerator(string model) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length, v.Count(c => c == 'a') + 1, v[0] }))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, model, 3) : null;

    public void Dispose()
    {
    }
}

/// <summary>
/// Item 2 of issue 21 in the vector store: a collection records the model that embedded its texts,
/// and a store whose generator is another model is refused naming both, as the tool refuses it.
/// </summary>
public sealed class ModelRecordTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("simil-mevd-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Texts_meet_only_the_model_that_embedded_the_collection()
    {
        var token = TestContext.Current.CancellationToken;
        using (var store = new SimilVectorStore(_folder, new SimilVectorStoreOptions { EmbeddingGenerator = new NamedGenerator("model-a") }))
        {
            var notes = store.GetCollection<string, Note>("notes");
            await notes.EnsureCollectionExistsAsync(token);
            await notes.UpsertAsync([new Note { Id = "1", Text = "banana" }, new Note { Id = "2", Text = "kiwi" }], token);
        }
        Assert.Contains("\"model\":\"model-a\"", File.ReadAllText(Path.Combine(_folder, "notes", "schema.json")), StringComparison.Ordinal);

        using (var same = new SimilVectorStore(_folder, new SimilVectorStoreOptions { EmbeddingGenerator = new NamedGenerator("Model-A") }))
        {
            var found = await same.GetCollection<string, Note>("notes").SearchAsync("banana", 1, cancellationToken: token).ToArrayAsync(token);
            Assert.Equal("1", found.Single().Record.Id);
        }
        using (var other = new SimilVectorStore(_folder, new SimilVectorStoreOptions { EmbeddingGenerator = new NamedGenerator("model-b") }))
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                await other.GetCollection<string, Note>("notes").SearchAsync("banana", 1, cancellationToken: token).ToArrayAsync(token));
            Assert.Contains("model-a", e.Message, StringComparison.Ordinal);
            Assert.Contains("model-b", e.Message, StringComparison.Ordinal);
        }
    }
}
