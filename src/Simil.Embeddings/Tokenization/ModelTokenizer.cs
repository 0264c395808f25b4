using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Simil.Embeddings.Tokenization;

/// <summary>
/// A model folder's tokenizer, chosen by the files it has (first match wins, as
/// <c>docs/models.md</c> says): <c>tokenizer.json</c> (WordPiece, Unigram; BPE refused by name),
/// a SentencePiece protobuf (<c>sentencepiece.bpe.model</c>, <c>spiece.model</c>,
/// <c>tokenizer.model</c>) with the special-token layout its <c>tokenizer_config.json</c> class
/// implies, or a BERT <c>vocab.txt</c>. Every tokenizer comes from Microsoft.ML.Tokenizers; the
/// special tokens come from the file's post-processor, so the ids equal Hugging Face's.
/// </summary>
static class ModelTokenizer
{
    static readonly string[] SentencePieceFiles = ["sentencepiece.bpe.model", "spiece.model", "tokenizer.model"];

    /// <summary>Which file the tokenizer of <paramref name="folder"/> comes from, or null when it has none Simil reads.</summary>
    public static string? Source(string folder) =>
        new[] { "tokenizer.json" }.Concat(SentencePieceFiles).Append("vocab.txt")
            .Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists);

    /// <summary>The tokenizer of <paramref name="folder"/>.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="lowerCase">For a bare <c>vocab.txt</c>: whether to lower-case (the tokenizer config's <c>do_lower_case</c>).</param>
    /// <exception cref="InputException">No tokenizer file, or one Simil cannot run exactly (the file and the reason named).</exception>
    public static TextTokenizer Open(string folder, bool lowerCase)
    {
        string source = Source(folder)
            ?? throw new InputException(Path.Combine(folder, "tokenizer.json"), $"the model folder has no tokenizer: tokenizer.json, {string.Join(", ", SentencePieceFiles)} or vocab.txt");
        try
        {
            return Path.GetFileName(source) switch
            {
                "tokenizer.json" => FromTokenizerJson(source),
                "vocab.txt" => FromVocab(source, lowerCase),
                _ => FromSentencePiece(source, folder),
            };
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InputException(source, $"cannot be read as a tokenizer: {e.Message}");
        }
    }

    static TextTokenizer FromTokenizerJson(string path)
    {
        using var json = ModelJson.Read(path);
        var root = json.RootElement;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object ? m
            : throw new InputException(path, "has no model object");
        string type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
            : model.TryGetProperty("merges", out _) ? "BPE" : "(none)";
        var (prefix, suffix) = PostProcessor(path, root.TryGetProperty("post_processor", out var p) ? p : default);
        long pad = root.TryGetProperty("padding", out var padding) && padding.ValueKind == JsonValueKind.Object && padding.TryGetProperty("pad_id", out var pid) ? pid.GetInt64()
            : root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array
                && added.EnumerateArray().FirstOrDefault(a => a.GetProperty("content").GetString() is "<pad>" or "[PAD]") is { ValueKind: JsonValueKind.Object } padToken
                ? padToken.GetProperty("id").GetInt64() : 0;
        switch (type)
        {
            case "WordPiece":
                return WordPiece(path, root, model, prefix, suffix, pad);
            case "Unigram":
                {
                    // The library normalizes (the file's normalizer chain, then Metaspace); the best
                    // path is taken as Hugging Face takes it, in float64, word by word when Metaspace splits.
                    using var stream = File.OpenRead(path);
                    var library = SentencePieceTokenizer.CreateFromTokenizerJson(stream, addBeginningOfSentence: false, addEndOfSentence: false);
                    var vocab = model.GetProperty("vocab").EnumerateArray().Select(v => (v[0].GetString()!, v[1].GetDouble())).ToArray();
                    int unknown = model.TryGetProperty("unk_id", out var u) && u.ValueKind == JsonValueKind.Number ? u.GetInt32()
                        : throw new InputException(path, "its Unigram model has no unk_id");
                    var unigram = SentencePieceUnigram.FromVocabulary(vocab, unknown, Flag(model, "byte_fallback", false));
                    bool split = MetaspaceSplits(root.TryGetProperty("pre_tokenizer", out var pre) ? pre : default);
                    string normalizers = root.TryGetProperty("normalizer", out var nz) ? nz.GetRawText() : "";
                    bool unicode = new[] { "\"NFC\"", "\"NFD\"", "\"NFKC\"", "\"NFKD\"" }.Any(f => normalizers.Contains(f, StringComparison.Ordinal));
                    return new DelegateTokenizer("Unigram (tokenizer.json)", prefix, suffix, text =>
                    {
                        if (unicode)
                            UnicodeNormalization.Require(text, "its normalizer applies a Unicode normalization form");
                        library.EncodeToTokens(text, out string? normalized, false, false);
                        var span = (normalized ?? text).AsSpan();
                        var ids = new List<long>(span.Length / 3);
                        if (!split)
                            unigram.Encode(span, ids);
                        else
                            for (int start = 0; start < span.Length;)
                            {
                                int next = span[(start + 1)..].IndexOf('\u2581');
                                int end = next < 0 ? span.Length : start + 1 + next;
                                unigram.Encode(span[start..end], ids);
                                start = end;
                            }
                        return [.. ids];
                    }, pad);
                }
            case "BPE":
                return ByteLevelBpe(path, root, model, prefix, suffix, pad);
            default:
                throw new InputException(path, $"has a {type} model; Simil reads WordPiece, Unigram and byte-level BPE tokenizer.json files, and SentencePiece or vocab.txt files");
        }
    }

    static TextTokenizer WordPiece(string path, JsonElement root, JsonElement model, long[] prefix, long[] suffix, long pad)
    {
        var vocab = model.GetProperty("vocab").EnumerateObject().Select(p => (Token: p.Name, Id: p.Value.GetInt32())).OrderBy(p => p.Id).ToArray();
        for (int i = 0; i < vocab.Length; i++)
            if (vocab[i].Id != i)
                throw new InputException(path, $"its WordPiece vocabulary skips or repeats id {i}");
        var normalizer = root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object ? n : default;
        string normalizerType = normalizer.ValueKind == JsonValueKind.Object ? normalizer.GetProperty("type").GetString()! : "(none)";
        if (normalizerType != "BertNormalizer")
            throw new InputException(path, $"has a {normalizerType} normalizer; Simil runs WordPiece with BERT's normalizer");
        bool lower = Flag(normalizer, "lowercase", true);
        bool strip = normalizer.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : lower;
        string Token(long id) => vocab[(int)id].Token;
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lower,
            RemoveNonSpacingMarks = strip,
            IndividuallyTokenizeCjk = Flag(normalizer, "handle_chinese_chars", true),
            UnknownToken = model.TryGetProperty("unk_token", out var u) ? u.GetString()! : "[UNK]",
        };
        if (prefix.Length == 1)
            options.ClassificationToken = Token(prefix[0]);
        if (suffix.Length == 1)
            options.SeparatorToken = Token(suffix[0]);
        var specials = root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array
            ? added.EnumerateArray().Where(a => Flag(a, "special", false)).ToDictionary(a => a.GetProperty("content").GetString()!, a => a.GetProperty("id").GetInt32())
            : [];
        options.PreTokenizer = BertPreTokenizer(specials);
        var lines = new StringBuilder();
        foreach (var (token, _) in vocab)
            lines.Append(token).Append('\n');
        var tokenizer = BertTokenizer.Create(new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString())), options);
        bool clean = Flag(normalizer, "clean_text", true);
        return new DelegateTokenizer("WordPiece (tokenizer.json)", prefix, suffix, text =>
        {
            if (strip)
                UnicodeNormalization.Require(text, "its BertNormalizer strips accents");
            return Longs(tokenizer.EncodeToIds(clean ? CleanText(text) : text, false, true, true));
        }, pad);
    }

    /// <summary>GPT-2's pre-tokenizer pattern, which Hugging Face's ByteLevel pre-tokenizer applies when use_regex is set.</summary>
    const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>
    /// A byte-level BPE (GPT-2, RoBERTa, Qwen, Llama 3 shapes): ByteLevel pre-tokenizer (its GPT-2
    /// pattern), or a Sequence of one Split by a pattern and a ByteLevel without one; a normalizer
    /// of none or NFC/NFKC. Anything else is refused by name rather than tokenized differently.
    /// </summary>
    static TextTokenizer ByteLevelBpe(string path, JsonElement root, JsonElement model, long[] prefix, long[] suffix, long pad)
    {
        var pre = root.TryGetProperty("pre_tokenizer", out var p) ? p : default;
        string? pattern = null;
        bool prefixSpace = false;
        string preType = pre.ValueKind == JsonValueKind.Object ? pre.GetProperty("type").GetString() ?? "" : "(none)";
        if (preType == "ByteLevel")
        {
            pattern = Flag(pre, "use_regex", true) ? Gpt2Pattern : null;
            prefixSpace = Flag(pre, "add_prefix_space", false);
        }
        else if (preType == "Sequence" && pre.GetProperty("pretokenizers").EnumerateArray().ToArray() is [var split, var level]
            && split.GetProperty("type").GetString() == "Split" && level.GetProperty("type").GetString() == "ByteLevel" && !Flag(level, "use_regex", true)
            && split.GetProperty("pattern").TryGetProperty("Regex", out var regex) && split.GetProperty("behavior").GetString() == "Isolated" && !Flag(split, "invert", false))
        {
            pattern = regex.GetString();
            prefixSpace = Flag(level, "add_prefix_space", false);
        }
        if (pattern is null)
            throw new InputException(path, $"has a BPE model with a {preType} pre-tokenizer; Simil runs byte-level BPE (a ByteLevel pre-tokenizer, or Split by a pattern then ByteLevel)");
        var normalizer = root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object ? n.GetProperty("type").GetString() : null;
        System.Text.NormalizationForm? form = normalizer switch
        {
            null => null,
            "NFC" => System.Text.NormalizationForm.FormC,
            "NFKC" => System.Text.NormalizationForm.FormKC,
            _ => throw new InputException(path, $"has a BPE model with a {normalizer} normalizer; Simil runs none, NFC or NFKC there"),
        };
        var vocab = model.GetProperty("vocab").EnumerateObject().Select(v => new KeyValuePair<string, int>(v.Name, v.Value.GetInt32())).ToArray();
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!).ToArray();
        var specials = root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array
            ? added.EnumerateArray().Where(a => Flag(a, "special", false)).ToDictionary(a => a.GetProperty("content").GetString()!, a => a.GetProperty("id").GetInt32())
            : [];
        var tokenizer = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.Compiled), specials.Count > 0 ? specials : null),
            SpecialTokens = specials.Count > 0 ? specials : null,
        });
        return new DelegateTokenizer("byte-level BPE (tokenizer.json)", prefix, suffix, text =>
        {
            if (form is { } f)
            {
                UnicodeNormalization.Require(text, $"its normalizer is {normalizer}");
                text = text.Normalize(f);
            }
            if (prefixSpace && text.Length > 0 && text[0] != ' ')
                text = " " + text;
            return Longs(tokenizer.EncodeToIds(text, true, true));
        }, pad);
    }

    /// <summary>
    /// BERT's pre-tokenizer: runs of characters that are neither whitespace nor punctuation, and each
    /// punctuation character alone — punctuation as BERT defines it: Unicode's P categories <b>and</b>
    /// every ASCII symbol (<c>$ + &lt; = &gt; ^ ` | ~</c>). The library's default keeps only the P
    /// categories and drops the symbols (1-&gt;0 became 1 - 0: 851 of the 12,013 fixture texts).
    /// </summary>
    public static PreTokenizer BertPreTokenizer(IReadOnlyDictionary<string, int> specials) =>
        new RegexPreTokenizer(new System.Text.RegularExpressions.Regex(@"[\p{P}!-/:-@\[-`{-~]|[^\s\p{P}!-/:-@\[-`{-~]+", System.Text.RegularExpressions.RegexOptions.Compiled),
            specials.Count > 0 ? specials.ToDictionary() : null);

    /// <summary>
    /// BERT's clean_text: NUL, U+FFFD and every "other" character (Unicode's C categories: controls,
    /// formats such as U+200B, unassigned, private use) but tab, newline and return are removed, as
    /// Hugging Face's BertNormalizer removes them; the library kept U+200B (44 fixture texts).
    /// </summary>
    public static string CleanText(string text)
    {
        int i = 0;
        while (i < text.Length && !Dropped(text, i))
            i++;
        if (i == text.Length)
            return text;
        var kept = new StringBuilder(text.Length);
        kept.Append(text, 0, i);
        for (; i < text.Length; i++)
            if (!Dropped(text, i))
                kept.Append(text[i]);
        return kept.ToString();

        static bool Dropped(string s, int at)
        {
            char c = s[at];
            if (c is '\t' or '\n' or '\r')
                return false;
            if (char.IsSurrogate(c))   // a pair is judged by its code point, both halves alike
            {
                int start = char.IsLowSurrogate(c) && at > 0 && char.IsHighSurrogate(s[at - 1]) ? at - 1 : at;
                return !char.IsSurrogatePair(s, start) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(s, start)) is
                    System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.PrivateUse;
            }
            return c is '\0' or '\uFFFD' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.PrivateUse;
        }
    }

    static TextTokenizer FromVocab(string path, bool lowerCase)
    {
        var tokens = File.ReadAllLines(path);
        long Id(string token) => Array.IndexOf(tokens, token) is int i and >= 0 ? i
            : throw new InputException(path, $"has no {token} token; a vocab.txt is read as a BERT WordPiece vocabulary");
        long cls = Id("[CLS]"), sep = Id("[SEP]");
        var specials = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Where(t => Array.IndexOf(tokens, t) >= 0).ToDictionary(t => t, t => Array.IndexOf(tokens, t));
        var tokenizer = BertTokenizer.Create(path, new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase, PreTokenizer = BertPreTokenizer(specials) });
        return new DelegateTokenizer("WordPiece (vocab.txt)", [cls], [sep], text =>
        {
            if (lowerCase)
                UnicodeNormalization.Require(text, "a lower-cased BERT vocabulary strips accents");
            return Longs(tokenizer.EncodeToIds(CleanText(text), false, true, true));
        });
    }

    static TextTokenizer FromSentencePiece(string path, string folder)
    {
        string config = Path.Combine(folder, "tokenizer_config.json");
        string? cls = null;
        if (File.Exists(config))
        {
            using var json = ModelJson.Read(config);
            cls = json.RootElement.TryGetProperty("tokenizer_class", out var c) ? c.GetString() : null;
        }
        using var stream = File.OpenRead(path);
        var tokenizer = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        var file = SentencePieceModelFile.Read(path);
        string kind = $"SentencePiece {(file.ModelType == 2 ? "BPE" : "Unigram")} ({Path.GetFileName(path)})";
        // The library's normalization, from a Unigram tokenizer it builds from the file's pieces and
        // normalizer spec. Its Normalizer.Normalize leaves the precompiled character map out (U+200B
        // stayed), and its SentencePiece BPE ignores the map altogether; the text an encoding
        // reports as normalized is the one SentencePiece's normalizer gives.
        int unknown = Enumerable.Range(0, file.Pieces.Count).First(i => file.Pieces[i].Type == SentencePieceModelFile.PieceType.Unknown);
        var normalizing = SentencePieceTokenizer.Create(file.Pieces.Select(p => (p.Text, p.Score)), unknown, false, false, file.CharsMap,
            file.AddDummyPrefix, file.EscapeWhitespaces, false, file.ByteFallback);
        string Normalize(string text)
        {
            normalizing.EncodeToTokens(text, out string? normalized, false, false);
            return normalized ?? text;
        }
        Func<string, long[]> Raw;
        if (file.ModelType == 2)
        {
            var bpe = new SentencePieceBpe(file);
            Raw = text => bpe.Encode(Normalize(text));
        }
        else if (file.ModelType == 1)
        {
            var unigram = SentencePieceUnigram.FromModelFile(file);
            Raw = text => unigram.Encode(Normalize(text));
        }
        else
            throw new InputException(path, $"is a SentencePiece model of type {file.ModelType} (word or char); Simil runs Unigram and BPE");
        switch (cls)
        {
            case "XLMRobertaTokenizer" or "XLMRobertaTokenizerFast":
                // fairseq's layout, as transformers' XLMRobertaTokenizer maps it: <s>=0 <pad>=1 </s>=2 <unk>=3, every other piece one past its SentencePiece id.
                return new DelegateTokenizer(kind, [0], [2], text =>
                {
                    var ids = Raw(text);
                    for (int i = 0; i < ids.Length; i++)
                        ids[i] = ids[i] == tokenizer.UnknownId ? 3 : ids[i] + 1;
                    return ids;
                }, padId: 1);
            case "T5Tokenizer" or "T5TokenizerFast":
                return new DelegateTokenizer(kind, [], [tokenizer.EndOfSentenceId], Raw, tokenizer.Vocabulary.TryGetValue("<pad>", out int t5Pad) ? t5Pad : 0);
            default:
                throw new InputException(path, $"is a SentencePiece model whose special tokens depend on its tokenizer class ({cls ?? "none in tokenizer_config.json"}); Simil knows XLMRobertaTokenizer and T5Tokenizer — give the model's tokenizer.json instead");
        }
    }

    /// <summary>The special tokens a tokenizer.json post-processor puts around a single sequence.</summary>
    static (long[] Prefix, long[] Suffix) PostProcessor(string path, JsonElement processor)
    {
        if (processor.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return ([], []);
        string type = processor.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        switch (type)
        {
            case "BertProcessing" or "RobertaProcessing":
                return ([processor.GetProperty("cls")[1].GetInt64()], [processor.GetProperty("sep")[1].GetInt64()]);
            case "ByteLevel":
                return ([], []);
            case "Sequence":
                {
                    var prefix = new List<long>();
                    var suffix = new List<long>();
                    foreach (var inner in processor.GetProperty("processors").EnumerateArray())
                    {
                        var (p, s) = PostProcessor(path, inner);
                        prefix.AddRange(p);
                        suffix.AddRange(s);
                    }
                    return ([.. prefix], [.. suffix]);
                }
            case "TemplateProcessing":
                {
                    var specials = processor.GetProperty("special_tokens");
                    var prefix = new List<long>();
                    var suffix = new List<long>();
                    bool seen = false;
                    foreach (var piece in processor.GetProperty("single").EnumerateArray())
                    {
                        if (piece.TryGetProperty("Sequence", out _))
                        {
                            seen = true;
                            continue;
                        }
                        string name = piece.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                        var ids = specials.TryGetProperty(name, out var special) ? special.GetProperty("ids").EnumerateArray().Select(i => i.GetInt64())
                            : throw new InputException(path, $"its post-processor template names {name}, which its special_tokens do not define");
                        (seen ? suffix : prefix).AddRange(ids);
                    }
                    return ([.. prefix], [.. suffix]);
                }
            default:
                throw new InputException(path, $"has a {type} post-processor; Simil knows TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence");
        }
    }

    /// <summary>
    /// One unknown id for a run of unknown characters, as SentencePiece's Unigram and Hugging Face's
    /// (fuse_unk) give it; Microsoft.ML.Tokenizers 3.0.0 gives one per character (36 of the 12,013
    /// fixture texts differed before this).
    /// </summary>
    static long[] FuseUnknown(long[] ids, int unknown)
    {
        int n = 0;
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] != unknown || n == 0 || ids[n - 1] != unknown)
                ids[n++] = ids[i];
        return n == ids.Length ? ids : ids[..n];
    }

    /// <summary>Whether the pre-tokenizer (or one in its Sequence) is a Metaspace that splits into words (its default).</summary>
    static bool MetaspaceSplits(JsonElement pre)
    {
        if (pre.ValueKind != JsonValueKind.Object)
            return false;
        string type = pre.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        return type switch
        {
            "Metaspace" => Flag(pre, "split", true),
            "Sequence" => pre.GetProperty("pretokenizers").EnumerateArray().Any(MetaspaceSplits),
            _ => false,
        };
    }

    static bool Flag(JsonElement element, string name, bool fallback) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    static long[] Longs(IReadOnlyList<int> ids)
    {
        var result = new long[ids.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = ids[i];
        return result;
    }
}
