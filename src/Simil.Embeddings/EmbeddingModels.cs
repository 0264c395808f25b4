namespace Simil.Embeddings;

/// <summary>
/// The models Simil embeds texts with, by name: the one place a model is chosen. Creating a
/// generator is cheap; its model loads on first use.
/// </summary>
public static class EmbeddingModels
{
    /// <summary>The model used when none is named.</summary>
    public const string Default = MiniLmEmbeddingGenerator.ModelName;

    /// <summary>Every model this build can run, by name.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLmEmbeddingGenerator.ModelName];

    /// <summary>Whether <paramref name="name"/> names a model (case-insensitive).</summary>
    public static bool IsKnown(string name) => Find(name) is not null;

    /// <summary>The number of dimensions the model named <paramref name="name"/> gives, without loading it.</summary>
    /// <exception cref="InputException">No model has that name.</exception>
    public static int Dimensions(string name) => Require(name) switch
    {
        _ => MiniLmEmbeddingGenerator.Dimensions,
    };

    /// <summary>A generator for the model named <paramref name="name"/> (the caller disposes it).</summary>
    /// <exception cref="InputException">No model has that name; the message lists those that do.</exception>
    public static MiniLmEmbeddingGenerator Create(string name) => Require(name) switch
    {
        _ => new MiniLmEmbeddingGenerator(),
    };

    static string? Find(string name) => Names.FirstOrDefault(n => string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    static string Require(string name) =>
        Find(name) ?? throw new InputException("--model", $"unknown model '{name}'; available: {string.Join(", ", Names)}");
}
