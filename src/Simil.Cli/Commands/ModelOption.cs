using System.CommandLine;
using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary>The <c>--model</c> option shared by the commands that embed texts.</summary>
static class ModelOption
{
    public static Option<string> Create() => new("--model")
    {
        Description = $"The model that embeds texts (the local model: {MiniLmEmbeddingGenerator.ModelName}).",
        DefaultValueFactory = _ => MiniLmEmbeddingGenerator.ModelName,
    };

    public static void Check(string model)
    {
        if (!string.Equals(model, MiniLmEmbeddingGenerator.ModelName, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"--model: unknown model '{model}'; available: {MiniLmEmbeddingGenerator.ModelName}");
    }
}
