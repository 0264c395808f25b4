using System.CommandLine;
using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary>The <c>--model</c> option shared by the commands that embed texts; models come from <see cref="EmbeddingModels"/>.</summary>
static class ModelOption
{
    public static Option<string> Create() => new("--model")
    {
        Description = $"The model that embeds texts: {string.Join(", ", EmbeddingModels.Names)} (default {EmbeddingModels.Default}).",
        DefaultValueFactory = _ => EmbeddingModels.Default,
    };
}
