using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary>The commands' generators: <see cref="EmbeddingModels.Create"/>, with a warning on stderr when texts are cut at the model's token limit.</summary>
static class Models
{
    /// <summary>The prompt asked for on the command line (<c>--prompt</c>/<c>--prompt-text</c>), set once the command line is parsed.</summary>
    public static PromptChoice? Prompt { get; set; }

    public static LocalEmbeddingGenerator Create(string name)
    {
        var generator = EmbeddingModels.Create(name, Prompt);
        generator.TextsCut += count => Console.Error.WriteLine($"simil: warning: {generator.CutMessage(count)}");
        return generator;
    }

    /// <summary>
    /// How queries meet rows for a command: <see cref="QueryResolver.For"/> with the tool's note on
    /// stderr and its generators (so texts cut at the token limit are counted the same way everywhere).
    /// </summary>
    public static QueryResolver Resolver(string data, string? recordedModel, string? requestedModel, string? recordedPrompt = null) =>
        QueryResolver.For(data, recordedModel, requestedModel, ModelOption.Notice, Create, recordedPrompt);
}
