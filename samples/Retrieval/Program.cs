using CommunityToolkit.VectorData.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Simil.Embeddings;
using Simil.VectorData;

// Usage: Retrieval STS.csv [simil|inmemory] [sentences]
// Everything below the store's line is Microsoft.Extensions.VectorData only.
string sts = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "stsbenchmark", "sts-test.csv");
string which = args.Length > 1 ? args[1] : "simil";
int count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000;

using IEmbeddingGenerator<string, Embedding<float>> generator = new MiniLmEmbeddingGenerator();
string folder = Path.Combine(Path.GetTempPath(), $"simil-sample-{Environment.ProcessId}");

// The one line that chooses the store: Simil's (persisted in a folder) or the in-memory connector.
// Qdrant, PostgreSQL/pgvector, Azure AI Search and Redis connectors are made the same way.
using VectorStore store = which == "inmemory"
    ? new InMemoryVectorStore(new() { EmbeddingGenerator = generator })
    : new SimilVectorStore(folder, new() { EmbeddingGenerator = generator });

try
{
    var sentences = File.ReadLines(sts)
        .Select(line => line.Split('\t'))
        .Where(fields => fields.Length >= 7)
        .SelectMany(fields => new[] { fields[5].Trim(), fields[6].Trim() })
        .Distinct()
        .Take(count)
        .ToList();

    var collection = store.GetCollection<int, Sentence>("sentences");
    await collection.EnsureCollectionExistsAsync();
    await collection.UpsertAsync(sentences.Select((text, i) => new Sentence { Id = i, Text = text, Embedding = text }));

    foreach (var question in new[] { "A man is playing a musical instrument.", "Animals are running in a field.", "Someone is cooking food." })
    {
        Console.WriteLine(question);
        await foreach (var hit in collection.SearchAsync(question, top: 3))
            Console.WriteLine($"  {hit.Score:F4}  {hit.Record.Text}");
    }
}
finally
{
    if (Directory.Exists(folder))
        Directory.Delete(folder, recursive: true);
}

/// <summary>A sentence, embedded from its own text by the store's generator.</summary>
public sealed class Sentence
{
    [VectorStoreKey]
    public int Id { get; set; }

    [VectorStoreData]
    public string Text { get; set; } = "";

    [VectorStoreVector(384, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public string Embedding { get; set; } = "";
}
