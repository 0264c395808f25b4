using System.CommandLine;
using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary>The <c>--model</c> option shared by the commands that embed texts; models come from <see cref="EmbeddingModels"/>.</summary>
static class ModelOption
{
    static string Choices => $"{string.Join(", ", EmbeddingModels.Names)}, or a directory holding a sentence-transformers model exported to ONNX";

    /// <summary>For commands that embed the texts they are given: the default applies when none is named.</summary>
    public static Option<string> Create() => new("--model")
    {
        Description = $"The model that embeds texts: {Choices}.",
        DefaultValueFactory = _ => EmbeddingModels.Default,
    };

    /// <summary>
    /// For commands whose texts meet vectors made earlier (queries, rows added to an index): the
    /// model recorded with the vectors decides (<see cref="QueryResolver"/>); null when not given.
    /// </summary>
    public static Option<string?> ForQueries() => new("--model")
    {
        Description = $"The model that embeds texts: {Choices}. Default: the model recorded with the vectors (an index built from texts), which a named model must match; for vectors with no recorded model, {EmbeddingModels.Default}, with a note.",
    };

    /// <summary>Prints the resolver's notices (a text embedded by the default model for vectors that record none; texts cut at the token limit) on stderr.</summary>
    public static void Notice(string message) => Console.Error.WriteLine($"simil: note: {message}");
}
