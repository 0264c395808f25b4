using Simil.Embeddings.Tokenization;

namespace Simil.Embeddings;

/// <summary>
/// What runs a sentence-transformers model exported to ONNX, module by module as its
/// <c>modules.json</c> lists them: the Transformer (the ONNX bytes, the tokenizer, the token limit —
/// sentence-transformers' max_seq_length, longer texts cut with their closing special token kept —
/// and whether texts are lower-cased first), the <see cref="Pooling"/>, any <see cref="Dense"/>
/// layers, and whether embeddings are scaled to unit length; plus the model's prompts.
/// </summary>
sealed record ModelSpec(string Name, int Dimensions, int MaxTokens, Pooling Pooling, IReadOnlyList<DenseLayer> Dense, bool Normalize,
    Func<byte[]> Onnx, Func<TextTokenizer> Tokenizer, ModelPrompts Prompts, bool LowerCase = false, string TokenizerFile = "vocab.txt")
{
    /// <summary>The modules in order, as <c>simil models</c> shows them.</summary>
    public string Modules => string.Join(" → ", new[] { "Transformer", $"Pooling ({Pooling.Modes})" }
        .Concat(Dense.Select(d => $"Dense {d.InFeatures}→{d.OutFeatures}{(d.Tanh ? " tanh" : "")}"))
        .Concat(Normalize ? ["Normalize"] : []));
}

/// <summary>What <c>simil models</c> shows of a model, read without loading it.</summary>
/// <param name="Name">As <c>--model</c> names it.</param>
/// <param name="Source">packaged, hub cache, or folder.</param>
/// <param name="Dimensions">The embedding's length.</param>
/// <param name="MaxTokens">The token limit (special tokens included).</param>
/// <param name="Modules">The modules in order, with the pooling modes.</param>
/// <param name="Tokenizer">The file the tokenizer comes from.</param>
/// <param name="Prompts">The prompts, the default one's name and the similarity it was trained for.</param>
public sealed record ModelDescription(string Name, string Source, int Dimensions, int MaxTokens, string Modules, string Tokenizer, ModelPrompts Prompts);

/// <summary>
/// A model's prompts (<c>config_sentence_transformers.json</c>): texts put before a text to embed,
/// by name (<c>query</c>, <c>passage</c>, <c>document</c>…); the name used when none is asked for;
/// and the measure the model was trained for (<c>similarity_fn_name</c>), when it says.
/// </summary>
/// <param name="Prompts">Name → prompt text.</param>
/// <param name="DefaultName">The prompt used when none is named (null: none).</param>
/// <param name="Similarity">The model's similarity function name (cosine, dot, euclidean, manhattan), or null.</param>
public sealed record ModelPrompts(IReadOnlyDictionary<string, string> Prompts, string? DefaultName, string? Similarity)
{
    /// <summary>No prompts.</summary>
    public static ModelPrompts None { get; } = new(new Dictionary<string, string>(), null, null);

    /// <summary>The name of the prompt for queries: <c>query</c> when the model has it (any case), else null.</summary>
    public string? QueryName => Prompts.Keys.FirstOrDefault(k => string.Equals(k, "query", StringComparison.OrdinalIgnoreCase));
}
