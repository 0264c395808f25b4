using System.Text.Json;
using Simil.Embeddings.Tokenization;

namespace Simil.Embeddings;

/// <summary>
/// A sentence-transformers model folder read as sentence-transformers reads it
/// (<c>docs/models.md</c>): <c>modules.json</c> decides the pipeline — Transformer, Pooling, any
/// Dense, Normalize, in that order; any other module is refused by name, never skipped. The
/// Transformer is the ONNX graph (<c>onnx/model.onnx</c>, else <c>model.onnx</c>; or the
/// <c>.onnx</c> file given instead of the folder) and the tokenizer the folder's files give
/// (<see cref="ModelTokenizer"/>); <c>sentence_bert_config.json</c> gives the token limit and
/// lower-casing; <c>config_sentence_transformers.json</c> the prompts.
/// </summary>
static class ModelFolder
{
    const string TransformerType = "sentence_transformers.models.Transformer";
    const string PoolingType = "sentence_transformers.models.Pooling";
    const string DenseType = "sentence_transformers.models.Dense";
    const string NormalizeType = "sentence_transformers.models.Normalize";

    /// <summary>Whether <paramref name="path"/> is a model folder or an .onnx file in one.</summary>
    public static bool Exists(string path) =>
        !string.IsNullOrWhiteSpace(path) && (Directory.Exists(path) || (File.Exists(path) && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The model in <paramref name="path"/> (a folder, or an .onnx file inside one: <c>onnx/model_quantized.onnx</c>).</summary>
    /// <exception cref="InputException">A file is missing or says something Simil cannot run exactly (the file and the reason named).</exception>
    public static ModelSpec Open(string path)
    {
        string full = Path.GetFullPath(path);
        string folder, onnx;
        if (File.Exists(full))
        {
            onnx = full;
            string parent = Path.GetDirectoryName(full)!;
            folder = Path.GetFileName(parent) == "onnx" ? Path.GetDirectoryName(parent)! : parent;
        }
        else
        {
            folder = full;
            onnx = new[] { Path.Combine(full, "onnx", "model.onnx"), Path.Combine(full, "model.onnx") }.FirstOrDefault(File.Exists)
                ?? throw new InputException(Path.Combine(path, "onnx", "model.onnx"), "the model folder has no ONNX graph (onnx/model.onnx or model.onnx)");
        }
        string Rel(string file) => Path.Combine(path, Path.GetRelativePath(full, file));

        // sentence_bert_config.json: the token limit and lower-casing; the tokenizer's config as the fallback limit.
        int maxTokens = 512;
        bool lowerCase = false, vocabLower = true;
        string tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            using var json = ModelJson.Read(tokenizerConfig);
            var root = json.RootElement;
            if (root.TryGetProperty("model_max_length", out var l) && l.TryGetDouble(out double max) && max is > 2 and < 1_000_000)
                maxTokens = (int)max;
            if (root.TryGetProperty("do_lower_case", out var lower) && lower.ValueKind is JsonValueKind.True or JsonValueKind.False)
                vocabLower = lower.GetBoolean();
        }
        string bertConfig = Path.Combine(folder, "sentence_bert_config.json");
        if (File.Exists(bertConfig))
        {
            using var json = ModelJson.Read(bertConfig);
            var root = json.RootElement;
            if (root.TryGetProperty("max_seq_length", out var n) && n.TryGetInt32(out int max) && max > 2)
                maxTokens = max;
            if (root.TryGetProperty("do_lower_case", out var lower) && lower.ValueKind == JsonValueKind.True)
                lowerCase = true;
        }
        if (ModelTokenizer.Source(folder) is null)
            throw new InputException(Path.Combine(path, "tokenizer.json"), "the model folder has no tokenizer: tokenizer.json, sentencepiece.bpe.model, spiece.model, tokenizer.model or vocab.txt");

        var (pooling, dense, normalize) = Modules(path, folder, Rel);
        var prompts = Prompts(Path.Combine(folder, "config_sentence_transformers.json"));
        int dimensions = dense.Count > 0 ? dense[^1].OutFeatures : pooling.Dimensions;
        return new ModelSpec(path, dimensions, maxTokens, pooling, dense, normalize,
            () => File.ReadAllBytes(onnx), () => ModelTokenizer.Open(folder, vocabLower), prompts, lowerCase, Path.GetFileName(ModelTokenizer.Source(folder)!));
    }

    static (Pooling Pooling, List<DenseLayer> Dense, bool Normalize) Modules(string path, string folder, Func<string, string> rel)
    {
        string modulesFile = Path.Combine(folder, "modules.json");
        if (!File.Exists(modulesFile))
        {
            // A plain Hugging Face folder: Transformer + mean pooling, sentence-transformers' own fallback.
            return (Pooling.MeanOf(HiddenSize(folder, rel)), [], false);
        }
        using var json = ModelJson.Read(modulesFile);
        if (json.RootElement.ValueKind != JsonValueKind.Array)
            throw new InputException(rel(modulesFile), "is not a list of modules");
        var modules = json.RootElement.EnumerateArray().Select(m => (
            Type: m.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "",
            Path: m.TryGetProperty("path", out var p) ? p.GetString() ?? "" : "")).ToList();
        Pooling? pooling = null;
        var dense = new List<DenseLayer>();
        bool normalize = false;
        for (int i = 0; i < modules.Count; i++)
        {
            var (type, sub) = modules[i];
            string where = $"module {i} ({type})";
            string moduleFolder = Path.Combine(folder, sub);
            switch (type)
            {
                case TransformerType when i == 0:
                    break;
                case PoolingType when i == 1:
                    pooling = ReadPooling(Path.Combine(moduleFolder, "config.json"), rel);
                    break;
                case DenseType when pooling is not null && !normalize:
                    dense.Add(ReadDense(moduleFolder, dense.Count > 0 ? dense[^1].OutFeatures : pooling.Dimensions, rel));
                    break;
                case NormalizeType when pooling is not null && !normalize:
                    normalize = true;
                    break;
                case TransformerType or PoolingType or DenseType or NormalizeType:
                    throw new InputException(rel(modulesFile), $"{where} is out of place; Simil runs Transformer, Pooling, any Dense, then Normalize");
                default:
                    throw new InputException(rel(modulesFile), $"{where} is a module Simil does not run (it runs Transformer, Pooling, Dense and Normalize); skipping it would give wrong vectors");
            }
        }
        if (pooling is null)
            throw new InputException(rel(modulesFile), "lists no Transformer followed by a Pooling module");
        return (pooling, dense, normalize);
    }

    static Pooling ReadPooling(string file, Func<string, string> rel)
    {
        if (!File.Exists(file))
            throw new InputException(rel(file), "the Pooling module has no config.json");
        using var json = ModelJson.Read(file);
        var root = json.RootElement;
        int width = root.TryGetProperty("word_embedding_dimension", out var d) && d.TryGetInt32(out int v) && v > 0
            ? v : throw new InputException(rel(file), "has no positive word_embedding_dimension");
        bool Mode(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.True;
        // Older configs name the mode in one string.
        string? mode = root.TryGetProperty("pooling_mode", out var pm) && pm.ValueKind == JsonValueKind.String ? pm.GetString() : null;
        var pooling = new Pooling(width,
            Mode("pooling_mode_cls_token") || mode == "cls",
            Mode("pooling_mode_max_tokens") || mode == "max",
            Mode("pooling_mode_mean_tokens") || mode == "mean",
            Mode("pooling_mode_mean_sqrt_len_tokens") || mode == "mean_sqrt_len_tokens",
            Mode("pooling_mode_weightedmean_tokens") || mode == "weightedmean",
            Mode("pooling_mode_lasttoken") || mode == "lasttoken",
            !root.TryGetProperty("include_prompt", out var ip) || ip.ValueKind != JsonValueKind.False);
        if (pooling.Dimensions == 0)
            throw new InputException(rel(file), "sets no pooling mode");
        return pooling;
    }

    static DenseLayer ReadDense(string moduleFolder, int width, Func<string, string> rel)
    {
        string config = Path.Combine(moduleFolder, "config.json");
        if (!File.Exists(config))
            throw new InputException(rel(config), "the Dense module has no config.json");
        using var json = ModelJson.Read(config);
        var root = json.RootElement;
        int Int(string name) => root.TryGetProperty(name, out var e) && e.TryGetInt32(out int n) && n > 0
            ? n : throw new InputException(rel(config), $"has no positive {name}");
        int inFeatures = Int("in_features"), outFeatures = Int("out_features");
        if (inFeatures != width)
            throw new InputException(rel(config), $"in_features is {inFeatures}, but the module before gives {width} values");
        bool bias = !root.TryGetProperty("bias", out var b) || b.ValueKind != JsonValueKind.False;
        string activation = root.TryGetProperty("activation_function", out var a) ? a.GetString() ?? "" : "torch.nn.modules.activation.Tanh";
        bool tanh = activation switch
        {
            "torch.nn.modules.activation.Tanh" => true,
            "torch.nn.modules.linear.Identity" => false,
            _ => throw new InputException(rel(config), $"activation_function {activation} is not one Simil runs (Tanh, Identity)"),
        };
        if (!File.Exists(Path.Combine(moduleFolder, "model.safetensors")))
            throw new InputException(rel(Path.Combine(moduleFolder, "model.safetensors")),
                File.Exists(Path.Combine(moduleFolder, "pytorch_model.bin"))
                    ? "the Dense module's weights are only in pytorch_model.bin, a Python pickle, which Simil does not run; save them as model.safetensors"
                    : "the Dense module has no model.safetensors");
        return new DenseLayer(moduleFolder, inFeatures, outFeatures, bias, tanh);
    }

    static int HiddenSize(string folder, Func<string, string> rel)
    {
        string config = Path.Combine(folder, "config.json");
        if (!File.Exists(config))
            throw new InputException(rel(config), "the model folder has neither modules.json nor config.json, so its embedding length is unknown");
        using var json = ModelJson.Read(config);
        return json.RootElement.TryGetProperty("hidden_size", out var h) && h.TryGetInt32(out int n) && n > 0 ? n
            : json.RootElement.TryGetProperty("d_model", out var dm) && dm.TryGetInt32(out n) && n > 0 ? n
            : throw new InputException(rel(config), "has no hidden_size");
    }

    /// <summary>The prompts of <c>config_sentence_transformers.json</c>, or none when the file is absent.</summary>
    public static ModelPrompts Prompts(string file)
    {
        if (!File.Exists(file))
            return ModelPrompts.None;
        using var json = ModelJson.Read(file);
        var root = json.RootElement;
        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("prompts", out var p) && p.ValueKind == JsonValueKind.Object)
            foreach (var prompt in p.EnumerateObject())
                if (prompt.Value.ValueKind == JsonValueKind.String)
                    prompts[prompt.Name] = prompt.Value.GetString()!;
        string? defaultName = root.TryGetProperty("default_prompt_name", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (defaultName is not null && !prompts.ContainsKey(defaultName))
            throw new InputException(file, $"default_prompt_name is {defaultName}, which its prompts do not define");
        string? similarity = root.TryGetProperty("similarity_fn_name", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new ModelPrompts(prompts, defaultName, similarity);
    }
}
