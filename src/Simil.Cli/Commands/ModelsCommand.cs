using System.CommandLine;
using Simil.Embeddings;

namespace Simil.Cli.Commands;

/// <summary><c>simil models [MODEL…]</c>: the models this machine can run, and what each is.</summary>
static class ModelsCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("MODEL")
        {
            Description = "Models to describe besides the packaged and cached ones: a model folder, an .onnx file in one, or a hub repository ORG/NAME[@REVISION] (downloaded when not cached).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var command = new Command("models", "List the models Simil can embed with — packaged, downloaded into the cache (SIMIL_CACHE) and the ones named — with dimensions, token limit, modules (pooling, Dense, Normalize), tokenizer and prompts.")
        {
            models, json,
        };
        command.SetAction(parse =>
        {
            var names = EmbeddingModels.Available().Concat(parse.GetValue(models) ?? []).Distinct(StringComparer.Ordinal).ToList();
            var described = names.Select(EmbeddingModels.Describe).ToList();
            Rendering.ModelsRenderer.Write(described, parse.GetValue(json));
            return Cli.Ok;
        });
        return command;
    }
}
