using Simil.IO;
using Simil.Testing;

namespace Simil.Tests;

/// <summary>gensim's published answers on its own test vectors (shared/data/README.md).</summary>
public sealed class WordNeighborsTests
{
    [Fact]
    public void The_nearest_words_to_war_match_gensim()
    {
        var vectors = VectorFile.Read(Repository.SharedData("gensim/euclidean_vectors.bin")).Vectors!;
        var index = new FlatIndex(vectors, Metric.Cosine);
        var result = WordNeighbors.MostSimilar(index, [vectors.IndexOf("war")], [], 5);
        Assert.Equal(["conflict", "administration", "terrorism", "call", "israel"], result.Select(n => vectors.Keys![n.Index]));
        Assert.Equal(0.93305397, result[0].Score, 1e-6);
    }

    [Fact]
    public void Negative_words_pull_away_and_inputs_are_excluded()
    {
        var vectors = EmbeddingMatrix.Create([1f, 0, 0, 1, 1, 1, 1, -1], 2, ["x", "y", "xy", "x-y"]);
        var index = new FlatIndex(vectors, Metric.Cosine);
        var result = WordNeighbors.MostSimilar(index, [0], [1], 2);   // x − y
        Assert.Equal([3, 2], result.Select(n => n.Index));
        Assert.DoesNotContain(result, n => n.Index is 0 or 1);
    }
}
