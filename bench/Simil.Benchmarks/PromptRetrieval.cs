using System.Diagnostics;
using System.Globalization;
using System.Text;
using Simil.Embeddings;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 24's prompt measure: a retrieval task from Debian's package data — the query is a package's
/// one-line synopsis, the corpus every package's long description, the answer the query's own
/// description — scored by MRR@10 and recall@10 of an exact cosine search, for arctic-embed-xs with
/// and without its query prompt ("Represent this sentence for searching relevant passages: ",
/// which its model card asks for on queries only), and all-MiniLM-L6-v2 (no prompts) beside them.
/// </summary>
static class PromptRetrieval
{
    public static int Run(string repository, string[] args)
    {
        int wanted = args.Length > 1 && int.TryParse(args[1], out int n) ? n : 5000;
        string list = Directory.EnumerateFiles("/var/lib/apt/lists", "*_debian_dists_bookworm_main_i18n_Translation-en.lz4").FirstOrDefault()
            ?? throw new InvalidOperationException("no Translation-en in /var/lib/apt/lists: apt-get update");
        // Pairs whose synopsis and description are both unique (a -dev and a -doc package of one
        // source share both: either would be a right answer, so both are left out); every k-th of them.
        var pairs = DebianDescriptions.Read(list).ToList();
        var bySynopsis = pairs.GroupBy(p => p.Synopsis).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var byDescription = pairs.GroupBy(p => p.Description).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var unique = pairs.Where(p => bySynopsis.Contains(p.Synopsis) && byDescription.Contains(p.Description)).ToList();
        int step = Math.Max(1, unique.Count / wanted);
        var chosen = unique.Where((_, i) => i % step == 0).Take(wanted).ToList();
        Console.WriteLine($"{pairs.Count:N0} descriptions, {unique.Count:N0} with a unique synopsis and description; every {step}th: {chosen.Count:N0}");
        var synopses = chosen.Select(p => p.Synopsis).ToArray();
        var descriptions = chosen.Select(p => p.Description).ToArray();

        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Query prompts: arctic-embed-xs on a retrieval task from Debian's package data");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- prompt-retrieval`");
        md.AppendLine(c, $"- Data: Debian 12's English package descriptions (apt list `Translation-en`, bookworm/main): {pairs.Count:N0} packages, {unique.Count:N0} whose synopsis and long description are both unique; every {step}th of those: **{chosen.Count:N0} queries** (a package's one-line synopsis) against **{chosen.Count:N0} documents** (the long descriptions); the one right answer is the query's own package.");
        md.AppendLine("- Exact cosine search (Simil's flat index), top 10. MRR@10: the mean of 1/rank of the right answer (0 when not in the top 10); recall@10: how often it is in the top 10. Documents are embedded without a prompt (neither model has a default prompt).");
        md.AppendLine();
        md.AppendLine("| model | query prompt | MRR@10 | recall@10 | recall@1 |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var name in new[] { "arctic-embed-xs", "all-MiniLM-L6-v2" })
        {
            using var model = EmbeddingModels.Create(name);
            var clock = Stopwatch.StartNew();
            var corpus = model.EmbedMatrix(descriptions, prompt: "");
            Console.WriteLine($"{name}: {descriptions.Length} documents in {clock.Elapsed.TotalSeconds:F1} s");
            var index = VectorIndex.Build(corpus, new IndexBuildOptions { Metric = Metric.Cosine });
            var prompts = name == "arctic-embed-xs" ? new[] { "", model.QueryPromptText } : [""];
            foreach (var prompt in prompts)
            {
                var queries = model.EmbedMatrix(synopses, prompt: prompt);
                double reciprocal = 0;
                int top10 = 0, top1 = 0;
                for (int q = 0; q < queries.Count; q++)
                {
                    var found = index.Search(queries[q], 10);
                    int rank = Array.FindIndex(found, f => f.Index == q);
                    if (rank >= 0)
                    {
                        reciprocal += 1.0 / (rank + 1);
                        top10++;
                        top1 += rank == 0 ? 1 : 0;
                    }
                }
                int count = queries.Count;
                md.AppendLine(c, $"| {name} | {(prompt.Length == 0 ? "none" : $"\"{prompt.Trim()}\"")} | {reciprocal / count:F4} | {(double)top10 / count:F4} | {(double)top1 / count:F4} |");
                Console.WriteLine(md.ToString().Split('\n')[^2]);
            }
        }
        string path = ResultsFile.PathFor(repository, "prompt-retrieval");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md.ToString());
        Console.WriteLine($"written to {path}");
        return 0;
    }
}
