using System.CommandLine;
using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary>The <c>--model</c> option shared by the commands that embed texts; models come from <see cref="EmbeddingModels"/>.</summary>
static class ModelOption
{
    static string Choices => $"{string.Join(", ", EmbeddingModels.Names)}, a folder holding a sentence-transformers model exported to ONNX (or an .onnx file in one), or a Hugging Face repository ORG/NAME[@REVISION] (downloaded once into SIMIL_CACHE)";

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

    /// <summary>--chunk: texts cut into chunks of this many tokens, one row each.</summary>
    public static Option<int?> Chunk() => new("--chunk")
    {
        Description = "Cut each text into chunks of at most this many tokens (whole words; the model's special tokens and prompt not counted) and embed every chunk as a row: " +
            "its id DOC#n, its metadata {\"document\": DOC, \"chunk\": n} (DOC: the text's id, else its line number). search --group-by-document then returns each document once.",
        HelpName = "TOKENS",
    };

    /// <summary>--overlap: tokens consecutive chunks share.</summary>
    public static Option<int> Overlap() => new("--overlap")
    {
        Description = "With --chunk: about this many tokens of words that consecutive chunks share.",
        HelpName = "TOKENS",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>The content cut into chunks when <paramref name="chunk"/> is given; else as it is.</summary>
    public static Simil.IO.VectorFileContent Chunked(Simil.IO.VectorFileContent content, int? chunk, int overlap, Func<LocalEmbeddingGenerator> generator, string file)
    {
        if (chunk is not { } tokens)
            return overlap == 0 ? content : throw new InputException("--overlap", "applies with --chunk");
        if (content.Texts is null)
            throw new InputException(file, "holds vectors; --chunk cuts texts");
        var model = generator();
        return content.Chunked(text => model.Chunks(text, tokens, overlap));
    }

    /// <summary>Prints the resolver's notices (a text embedded by the default model for vectors that record none; texts cut at the token limit) on stderr.</summary>
    public static void Notice(string message) => Console.Error.WriteLine($"simil: note: {message}");
}
