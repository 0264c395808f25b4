namespace Simil.Embeddings;

/// <summary>
/// The models Simil embeds texts with, by name — <c>all-MiniLM-L6-v2</c> (the default) and
/// <c>arctic-embed-xs</c>, both shipped in NuGet packages — or by directory (a sentence-transformers
/// model exported to ONNX): the one place a model is chosen. Creating a generator is cheap; its
/// model loads on first use.
/// </summary>
public static class EmbeddingModels
{
    /// <summary>The model used when none is named.</summary>
    public const string Default = MiniLmEmbeddingGenerator.ModelName;

    /// <summary>Every packaged model this build can run, by name.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLmEmbeddingGenerator.ModelName, PackagedModels.ArcticName];

    /// <summary>Whether <paramref name="name"/> names a packaged model (case-insensitive) or an existing directory.</summary>
    public static bool IsKnown(string name) => Find(name) is not null || ModelFolder.Exists(name) || Hub.HubModels.IsHubId(name);

    /// <summary>Told how each hub download advances (a program's progress bar); null: not told.</summary>
    public static IProgress<Hub.HubFileProgress>? DownloadProgress { get; set; }

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of an unknown model name.</summary>
    public const string ModelSetting = "Model";

    /// <summary>The number of dimensions the model gives, without loading it.</summary>
    /// <exception cref="InvalidSettingException">No model has that name and no directory that path (<see cref="ModelSetting"/>).</exception>
    /// <exception cref="InputException">The directory lacks a file.</exception>
    public static int Dimensions(string name) => Spec(name).Dimensions;

    /// <summary>A generator for the model named <paramref name="name"/>, or in the directory it names (the caller disposes it).</summary>
    /// <exception cref="InvalidSettingException">No model has that name and no directory that path (<see cref="ModelSetting"/>; the reason lists the names).</exception>
    /// <exception cref="InputException">The directory lacks a file (named).</exception>
    /// <param name="name">A packaged model's name, a model folder, or an .onnx file inside one.</param>
    /// <param name="prompt">The prompt put before every text it embeds (null: the model's default for documents, its query prompt for queries).</param>
    public static LocalEmbeddingGenerator Create(string name, PromptChoice? prompt = null) => Spec(name) switch
    {
        var spec when ReferenceEquals(spec, MiniLmEmbeddingGenerator.Spec) => new MiniLmEmbeddingGenerator(prompt),
        var spec => LocalEmbeddingGenerator.For(spec, prompt),
    };

    /// <summary>The model's prompts (name → text), the default prompt's name and the similarity it was trained for, without loading it.</summary>
    /// <exception cref="InvalidSettingException">No model has that name.</exception>
    /// <exception cref="InputException">The folder lacks a file.</exception>
    public static ModelPrompts Prompts(string name) => Spec(name).Prompts;

    internal static ModelSpec Spec(string name) => Find(name) switch
    {
        MiniLmEmbeddingGenerator.ModelName => MiniLmEmbeddingGenerator.Spec,
        PackagedModels.ArcticName => PackagedModels.Arctic,
        _ when ModelFolder.Exists(name) => ModelFolder.Open(name),
        _ when Hub.HubModels.IsHubId(name) => FromHub(name.Trim()),
        _ => throw new InvalidSettingException(ModelSetting, $"unknown model '{name}'; available: {string.Join(", ", Names)}, a directory holding a sentence-transformers model exported to ONNX, or a Hugging Face repository ORG/NAME[@REVISION]"),
    };

    /// <summary>What a model is, read without loading it: its length, token limit, modules, tokenizer file and prompts.</summary>
    /// <exception cref="InvalidSettingException">No model has that name.</exception>
    /// <exception cref="InputException">The folder lacks a file, or a hub download failed.</exception>
    public static ModelDescription Describe(string name)
    {
        var spec = Spec(name);
        string source = Find(name) is not null ? "packaged" : Hub.HubModels.IsHubId(name) ? "hub cache" : "folder";
        return new ModelDescription(spec.Name, source, spec.Dimensions, spec.MaxTokens, spec.Modules,
            spec.TokenizerFile + (source == "packaged" ? " (in the package)" : ""), spec.Prompts);
    }

    /// <summary>Every model this machine can run without a download: the packaged ones, then the hub models in the cache.</summary>
    public static IReadOnlyList<string> Available() =>
        [.. Names, .. Hub.HubModels.Cached(Hub.HubSettings.FromEnvironment()).Select(c => c.Name)];

    static ModelSpec FromHub(string name)
    {
        var (folder, onnx) = Hub.HubModels.Fetch(name, Hub.HubSettings.FromEnvironment(), DownloadProgress);
        return ModelFolder.Open(onnx ?? folder) with { Name = name };
    }

    static string? Find(string name) => Names.FirstOrDefault(n => string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
