using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Simil.Benchmarks;

/// <summary>
/// Turns a <see cref="KernelBenchmarks"/> run into the committed table: time per pair for each
/// library, and Simil's speed against each peer as a ratio (peer time ÷ Simil time; above 1 means
/// Simil is faster). The target is to be at least as fast as the faster peer in every cell.
/// </summary>
static class KernelReport
{
    public static void Write(Summary summary, string directory)
    {
        var c = CultureInfo.InvariantCulture;
        var times = new Dictionary<(string Op, int Dims, string Data, string Library), (double Median, double Error)>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null)
                continue;
            var bc = report.BenchmarkCase;
            var method = bc.Descriptor.WorkloadMethod.Name;
            var library = method[..method.IndexOf('_', StringComparison.Ordinal)];
            var op = bc.Descriptor.Categories[0];
            int dims = (int)bc.Parameters["Dimensions"];
            var data = bc.Parameters["Residency"].ToString()!;
            var stats = report.ResultStatistics;
            times[(op, dims, data, library)] = (stats.Median, stats.ConfidenceInterval.Margin);
        }

        var md = new StringBuilder();
        md.AppendLine(c, $"# Kernel benchmarks: one pair of float32 vectors");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        md.AppendLine(c, $"- Runtime: {summary.HostEnvironmentInfo.RuntimeVersion}, Simil kernel path: {Similarity.ActiveKernelPath}");
        md.AppendLine(c, $"- Date: {DateTime.UtcNow:yyyy-MM-dd}; BenchmarkDotNet {summary.HostEnvironmentInfo.BenchmarkDotNetVersion}");
        md.AppendLine("- Peers: TensorPrimitives (System.Numerics.Tensors) and NumKong (`libnumkong.so` from Cloud.Unum.USearch 2.26.6, P/Invoke with `SuppressGCTransition`). TensorPrimitives has no squared L2: its `Distance` is squared.");
        md.AppendLine("- `L1`: the same pair every call. `Memory`: the next pair of a 256 MiB buffer every call.");
        md.AppendLine("- ns: median time per pair over 20 iterations. ×TP, ×NK: peer time ÷ Simil time (above 1: Simil is faster).");
        md.AppendLine("- ≥ faster peer: `yes` when Simil's median is at or below the faster peer's; `tie` when it is above by less than the larger 99.9% confidence margin of the two (the difference is noise); otherwise **no**.");
        md.AppendLine();
        md.AppendLine("| measure | dims | data | Simil ns | TensorPrimitives ns | NumKong ns | ×TP | ×NK | ≥ faster peer |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|:---:|");
        foreach (var key in times.Keys.Where(k => k.Library == "Simil").OrderBy(k => OpOrder(k.Op)).ThenBy(k => k.Data).ThenBy(k => k.Dims))
        {
            var (simil, similError) = times[key];
            var (tp, tpError) = times.GetValueOrDefault(key with { Library = "TensorPrimitives" }, (double.NaN, double.NaN));
            var (nk, nkError) = times.GetValueOrDefault(key with { Library = "NumKong" }, (double.NaN, double.NaN));
            var (best, bestError) = tp <= nk ? (tp, tpError) : (nk, nkError);
            var verdict = simil <= best ? "yes" : simil - best <= Math.Max(similError, bestError) ? "tie" : "**no**";
            md.AppendLine(c, $"| {key.Op} | {key.Dims} | {key.Data} | {simil:F2} | {tp:F2} | {nk:F2} | {tp / simil:F2} | {nk / simil:F2} | {verdict} |");
        }
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"kernels-{ResultsFile.CpuSlug()}.md");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine($"Wrote {path}");
    }

    static int OpOrder(string op) => op switch { "dot" => 0, "cosine" => 1, _ => 2 };
}
