using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Simil.Benchmarks;

/// <summary>
/// Recall@10 after deletes at several ef, with no deletes as the baseline: the rows, queries and
/// deleted sets of <c>collections ROWS</c> (same seeds), deletions excluded inside the HNSW walk, the
/// exact answer an exact scan of the live rows. Answers "the same ef as with no deletes".
/// <c>collections-recall [ROWS]</c>.
/// </summary>
static class DeleteRecall
{
    const int Dims = 384, K = 10;

    public static int Run(string repository, string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        int queries = rows > 200_000 ? 100 : 200;
        int[] efs = [64, 96, 128, 192];
        var data = CollectionThroughput.Clustered(rows + queries, 5);
        var corpus = EmbeddingMatrix.Create(data.AsSpan(0, rows * Dims), Dims);
        var qs = Enumerable.Range(0, queries).Select(q => data.AsSpan((rows + q) * Dims, Dims).ToArray()).ToArray();
        var clock = Stopwatch.StartNew();
        using var index = VectorIndex.Build(corpus, new IndexBuildOptions { Kind = VectorIndexKind.Hnsw });
        double build = clock.Elapsed.TotalSeconds;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Recall@10 after deletes at several ef: {rows:N0} × {Dims} HNSW (M 16, ef-construction 128)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"CPU: {Machine.CpuName()}, {Environment.ProcessorCount} cores; .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd}. The rows, {queries} queries and deleted sets of `collections {rows}` (seeds 5 and 31 + percent); graph built in {build:F1} s. Deleted rows are refused inside the walk; the exact answer is an exact scan of the live rows. `dotnet run -c Release --project bench/Simil.Benchmarks -- collections-recall {rows}`");
        md.AppendLine();
        md.AppendLine("| deleted | " + string.Join(" | ", efs.Select(e => $"ef {e}")) + " | fewer than k (ef 64) |");
        md.AppendLine("|---:|" + string.Concat(efs.Select(_ => "---:|")) + "---:|");
        foreach (double fraction in new[] { 0.0, 0.1, 0.3, 0.5 })
        {
            var deleted = new bool[rows];
            if (fraction > 0)
            {
                var r = new Random(31 + (int)(fraction * 100));
                foreach (int i in Enumerable.Range(0, rows).OrderBy(_ => r.Next()).Take((int)(rows * fraction)))
                    deleted[i] = true;
            }
            IRowFilter? filter = fraction > 0 ? new Deleted(deleted) : null;
            var exact = qs.Select(q => index.Search(q, new SearchOptions { K = K, Filter = filter, Exact = true }).Select(n => n.Index).ToHashSet()).ToArray();
            var cells = new List<string>();
            int shortOfK = 0;
            foreach (int ef in efs)
            {
                double recall = 0;
                for (int q = 0; q < queries; q++)
                {
                    var found = index.Search(qs[q], new SearchOptions { K = K, Ef = ef, Filter = filter });
                    recall += found.Count(n => exact[q].Contains(n.Index)) / (double)K;
                    if (ef == 64 && found.Length < K)
                        shortOfK++;
                }
                cells.Add((recall / queries).ToString("F4", CultureInfo.InvariantCulture));
            }
            md.AppendLine(CultureInfo.InvariantCulture, $"| {fraction:P0} | {string.Join(" | ", cells)} | {shortOfK} of {queries} |");
        }
        string path = ResultsFile.PathFor(repository, $"collections-{rows / 1000}k-recall");
        ResultsFile.Write(path, md.ToString());
        Console.Out.Write(md);
        return 0;
    }

    sealed class Deleted(bool[] deleted) : IRowFilter
    {
        public bool Allows(int row) => !deleted[row];
    }
}
