using System.Buffers.Binary;
using System.IO.Compression;
using Simil.Testing;

namespace Simil.Embeddings.Tests;

/// <summary>
/// Issue 24: a sentence-transformers folder run as sentence-transformers runs it, checked against the
/// reference implementations on the fixtures <c>tests/fixtures/models/make.py</c> builds (its README
/// says how): token ids equal python3-sentencepiece's on every text of the Portuguese corpus, for a
/// Unigram model read from <c>tokenizer.json</c> and from its protobuf (XLM-R's id layout) and for a
/// BPE model (<c>spiece.model</c>); embeddings equal PyTorch's forward pass — pooling, Dense,
/// Normalize, a default prompt left out of the pooling — to 1e-5 per value.
/// </summary>
public sealed class ModelFolderTests : IDisposable
{
    static readonly string Fixtures = Repository.Path("tests", "fixtures", "models");
    readonly string _temp = Directory.CreateTempSubdirectory("simil-models-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static string[] Corpus()
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Fixtures, "corpus-pt_BR.txt.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static int[][] Ids(string name)
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Fixtures, name)), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gz.CopyTo(memory);
        var bytes = memory.ToArray().AsSpan();
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        int at = 4;
        var result = new int[count][];
        for (int i = 0; i < count; i++)
        {
            int n = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
            at += 2;
            result[i] = new int[n];
            for (int j = 0; j < n; j++, at += 2)
                result[i][j] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
        }
        return result;
    }

    /// <summary>Every corpus text's ids (without special tokens) against the reference, the first difference named.</summary>
    static void SameIds(LocalEmbeddingGenerator model, int[][] reference, long[] prefix, long[] suffix) =>
        SameIds(text => model.TokenIds(text, truncate: false), reference, prefix, suffix);

    static void SameIds(Func<string, long[]> tokenize, int[][] reference, long[] prefix, long[] suffix)
    {
        var texts = Corpus();
        Assert.Equal(texts.Length, reference.Length);
        Assert.True(texts.Length > 10_000, $"the corpus has {texts.Length} texts");
        int differ = 0;
        string? first = null;
        for (int i = 0; i < texts.Length; i++)
        {
            var ids = tokenize(texts[i]);
            var expected = prefix.Concat(reference[i].Select(x => (long)x)).Concat(suffix).ToArray();
            if (!ids.SequenceEqual(expected))
            {
                differ++;
                int at = 0;
                while (at < ids.Length && at < expected.Length && ids[at] == expected[at])
                    at++;
                int from = Math.Max(0, at - 3);
                first ??= $"text {i} '{texts[i][..Math.Min(60, texts[i].Length)]}' at token {at}: [{string.Join(' ', ids.Skip(from).Take(8))}] vs [{string.Join(' ', expected.Skip(from).Take(8))}]";
            }
        }
        Assert.True(differ == 0, $"{differ} of {texts.Length} texts differ; first: {first}");
    }

    [Fact]
    public void UnigramTokenizerJsonGivesHuggingFacesIdsOnEveryText()
    {
        // The reference is Hugging Face's tokenizers itself (hf/reference.js): on 6 texts it splits
        // "FFF" otherwise than SentencePiece (near-equal path scores), and a tokenizer.json is its format.
        using var model = EmbeddingModels.Create(Path.Combine(Fixtures, "xlmr-tiny"));
        Assert.Equal("Unigram (tokenizer.json)", model.TokenizerKind);
        SameIds(model, Ids("unigram-hf-ids.bin.gz"), [], []);
    }

    [Fact]
    public void UnigramProtobufGivesTheSameIdsInXlmRobertasLayout()
    {
        string folder = Copy("xlmr-tiny", except: "tokenizer.json");
        using var model = EmbeddingModels.Create(folder);
        Assert.Equal("SentencePiece Unigram (sentencepiece.bpe.model)", model.TokenizerKind);
        SameIds(model, Ids("unigram-ids.bin.gz"), [0], [2]);
    }

    [Fact]
    public void SentencePieceBpeGivesSentencePiecesIdsOnEveryText()
    {
        using var model = EmbeddingModels.Create(Path.Combine(Fixtures, "bert-tiny"));
        Assert.Equal("SentencePiece BPE (spiece.model)", model.TokenizerKind);
        SameIds(model, Ids("bpe-ids.bin.gz"), [], [2]);
    }

    [Theory]
    [InlineData("wordpiece", "WordPiece (tokenizer.json)")]
    [InlineData("bpe", "byte-level BPE (tokenizer.json)")]
    public void TokenizerJsonGivesHuggingFacesIdsOnEveryText(string name, string kind)
    {
        // Trained on the corpus by Hugging Face's tokenizers itself (hf/tokenizers.js), its ids the reference.
        var tokenizer = Tokenization.ModelTokenizer.Open(Path.Combine(Fixtures, name), lowerCase: false);
        Assert.Equal(kind, tokenizer.Kind);
        SameIds(text => tokenizer.Encode(text, int.MaxValue, out _), Ids(name + "-hf-ids.bin.gz"), [], []);
    }

    static float[] Reference(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, name));
        int header = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) + 10;
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(header)).ToArray();
    }

    [Theory]
    [InlineData("xlmr-tiny", "Transformer → Pooling (mean) → Dense 64→32 tanh → Normalize")]
    [InlineData("bert-tiny", "Transformer → Pooling (cls+max+mean (prompt excluded)) → Dense 192→32")]
    public void EmbeddingsEqualPyTorchsForwardPass(string name, string modules)
    {
        var texts = File.ReadAllLines(Path.Combine(Fixtures, "reference-texts.txt"));
        Assert.Equal(200, texts.Length);
        var expected = Reference(name + "-reference.npy");
        using var model = EmbeddingModels.Create(Path.Combine(Fixtures, name));
        Assert.Equal(32, model.EmbeddingLength);
        Assert.Equal(128, model.MaxTokens);
        Assert.Equal(modules, model.Modules);
        int cut = 0;
        model.TextsCut += n => cut = n;
        var actual = model.EmbedMatrix(texts, null, Ct);   // batched, padded and sorted by length: the reference ran each text alone
        Assert.True(cut > 0, "the longest texts pass the 128-token limit");
        double worst = 0;
        for (int i = 0; i < texts.Length; i++)
            for (int d = 0; d < 32; d++)
                worst = Math.Max(worst, Math.Abs(actual[i][d] - expected[i * 32 + d]));
        Assert.True(worst <= 1e-5, $"largest difference {worst:E2}");
    }

    [Fact]
    public void PromptsComeFromTheConfigAndChangeTheVector()
    {
        using var xlmr = EmbeddingModels.Create(Path.Combine(Fixtures, "xlmr-tiny"));
        Assert.Equal("consulta: ", xlmr.Prompts.Prompts["query"]);
        Assert.Null(xlmr.Prompts.DefaultName);
        Assert.Equal("consulta: ", xlmr.QueryPromptText);
        Assert.Equal("", xlmr.PromptText(null));
        var plain = xlmr.Embed(["rei"], Ct)[0];
        var asQuery = xlmr.Embed(["rei"], Ct, prompt: xlmr.PromptText("query"))[0];
        var written = xlmr.Embed(["consulta: rei"], Ct)[0];
        Assert.Equal(written, asQuery);
        Assert.NotEqual(plain, asQuery);
        var e = Assert.Throws<InvalidSettingException>(() => xlmr.PromptText("pergunta"));
        Assert.Contains("query, passage", e.Message);

        using var bert = EmbeddingModels.Create(Path.Combine(Fixtures, "bert-tiny"));
        Assert.Equal("documento: ", bert.PromptText(null));
        Assert.Equal("pergunta: ", bert.QueryPromptText);
        Assert.NotEqual(bert.Embed(["rei"], Ct)[0], bert.Embed(["rei"], Ct, prompt: "")[0]);
    }

    string Copy(string name, string? except = null)
    {
        string source = Path.Combine(Fixtures, name);
        string target = Path.Combine(_temp, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(source, file);
            if (rel == except)
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, rel))!);
            File.Copy(file, Path.Combine(target, rel));
        }
        return target;
    }

    [Fact]
    public void AnUnknownModuleIsRefusedByName()
    {
        string folder = Copy("xlmr-tiny");
        string modules = Path.Combine(folder, "modules.json");
        File.WriteAllText(modules, File.ReadAllText(modules).Replace("sentence_transformers.models.Normalize", "sentence_transformers.models.LayerNorm", StringComparison.Ordinal));
        var e = Assert.Throws<InputException>(() => EmbeddingModels.Dimensions(folder));
        Assert.Contains("sentence_transformers.models.LayerNorm", e.Message);
        Assert.Contains("modules.json", e.Input);
    }

    [Fact]
    public void ADenseWithOnlyAPickleIsRefused()
    {
        string folder = Copy("xlmr-tiny", except: Path.Combine("2_Dense", "model.safetensors"));
        File.WriteAllBytes(Path.Combine(folder, "2_Dense", "pytorch_model.bin"), [0x80, 0x02]);
        var e = Assert.Throws<InputException>(() => EmbeddingModels.Dimensions(folder));
        Assert.Contains("pickle", e.Message);
        Assert.EndsWith("model.safetensors", e.Input);
    }

    [Fact]
    public void ADenseWhoseWeightsDoNotMatchItsConfigIsRefusedWhenTheModelLoads()
    {
        string folder = Copy("xlmr-tiny");
        string config = Path.Combine(folder, "2_Dense", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"out_features\": 32", "\"out_features\": 16", StringComparison.Ordinal));
        Assert.Equal(16, EmbeddingModels.Dimensions(folder));
        using var model = EmbeddingModels.Create(folder);
        var e = Assert.Throws<FileFormatException>(() => model.Embed(["rei"], Ct));
        Assert.Contains("[32, 64], not [16, 64]", e.Message);
    }

    [Fact]
    public void ModulesOutOfOrderAndABadActivationAreRefused()
    {
        string folder = Copy("xlmr-tiny");
        string modules = Path.Combine(folder, "modules.json");
        string text = File.ReadAllText(modules);
        File.WriteAllText(modules, text.Replace("\"1_Pooling\"", "\"X\"", StringComparison.Ordinal).Replace("\"2_Dense\"", "\"1_Pooling\"", StringComparison.Ordinal)
            .Replace("models.Pooling", "models.TMP", StringComparison.Ordinal).Replace("models.Dense", "models.Pooling", StringComparison.Ordinal).Replace("models.TMP", "models.Dense", StringComparison.Ordinal));
        Assert.Contains("out of place", Assert.Throws<InputException>(() => EmbeddingModels.Dimensions(folder)).Message);

        folder = Copy("xlmr-tiny");
        string config = Path.Combine(folder, "2_Dense", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("activation.Tanh", "activation.ReLU", StringComparison.Ordinal));
        Assert.Contains("torch.nn.modules.activation.ReLU", Assert.Throws<InputException>(() => EmbeddingModels.Dimensions(folder)).Message);
    }

    [Fact]
    public void ATokenizerJsonOfAnotherKindOrABrokenOneIsOneLine()
    {
        string folder = Copy("xlmr-tiny");
        string json = Path.Combine(folder, "tokenizer.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"type\": \"Unigram\"", "\"type\": \"WordLevel\"", StringComparison.Ordinal));
        using (var model = EmbeddingModels.Create(folder))
            Assert.Contains("WordLevel", Assert.Throws<InputException>(() => model.Embed(["rei"], Ct)).Message);
        File.WriteAllText(json, "{ \"model\": ");
        using (var model = EmbeddingModels.Create(folder))
            Assert.Contains("is not valid JSON", Assert.Throws<InputException>(() => model.Embed(["rei"], Ct)).Message);
    }

    [Fact]
    public void ASentencePieceModelOfAnUnknownClassIsRefused()
    {
        string folder = Copy("bert-tiny");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"tokenizer_class": "AlbertTokenizer"}""");
        using var model = EmbeddingModels.Create(folder);
        var e = Assert.Throws<InputException>(() => model.Embed(["rei"], Ct));
        Assert.Contains("AlbertTokenizer", e.Message);
        Assert.EndsWith("spiece.model", e.Input);
    }

    [Fact]
    public void AnOnnxFileInsideAFolderIsThatFoldersModelWithThatGraph()
    {
        string folder = Copy("xlmr-tiny");
        File.Copy(Path.Combine(folder, "onnx", "model.onnx"), Path.Combine(folder, "onnx", "model_copy.onnx"));
        using var a = EmbeddingModels.Create(folder);
        using var b = EmbeddingModels.Create(Path.Combine(folder, "onnx", "model_copy.onnx"));
        Assert.Equal(a.Embed(["o rei e a rainha"], Ct)[0], b.Embed(["o rei e a rainha"], Ct)[0]);
    }
}
