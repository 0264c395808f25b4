using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary>The commands' generators: <see cref="EmbeddingModels.Create"/>, with a warning on stderr when texts are cut at the model's token limit.</summary>
static class Models
{
    public static LocalEmbeddingGenerator Create(string name)
    {
        var generator = EmbeddingModels.Create(name);
        generator.TextsCut += count => Console.Error.WriteLine($"simil: warning: {generator.CutMessage(count)}");
        return generator;
    }
}
