using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Simil.Benchmarks;

/// <summary>
/// All-pairs dot products of 4,096 × 384 by 4,096 × 384 float32 through
/// <see cref="Similarity.Matrix(Metric, EmbeddingMatrix, EmbeddingMatrix, Span{float})"/>, in
/// GFLOP/s (2·M·N·K per run), against the float32 FMA peak of all cores measured in the same run
/// (a register-only loop of independent 512-bit FMAs on every core).
/// </summary>
static class MatrixThroughput
{
    const int M = 4096, N = 4096, K = 384, Runs = 9;

    public static int Run(string repository)
    {
        double peak = FmaPeak();
        var random = new Random(7);
        var a = EmbeddingMatrix.Create(Enumerable.Range(0, M * K).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), K);
        var b = EmbeddingMatrix.Create(Enumerable.Range(0, N * K).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), K);
        var result = new float[M * N];
        var times = new List<double[]>();
        var c = CultureInfo.InvariantCulture;
        foreach (var metric in new[] { Metric.Dot, Metric.Cosine, Metric.L2Squared })
        {
            Similarity.Matrix(metric, a, b, result);   // warm up
            var runs = new double[Runs];
            for (int r = 0; r < Runs; r++)
            {
                var clock = Stopwatch.StartNew();
                Similarity.Matrix(metric, a, b, result);
                runs[r] = clock.Elapsed.TotalSeconds;
            }
            Array.Sort(runs);
            times.Add(runs);
            Console.WriteLine(string.Create(c, $"{metric}: median {runs[Runs / 2] * 1000:F1} ms, {2.0 * M * N * K / runs[Runs / 2] / 1e9:F1} GFLOP/s"));
        }
        double flops = 2.0 * M * N * K;
        var md = new StringBuilder();
        md.AppendLine("# All-pairs matrix: 4,096 × 4,096 × 384 float32");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); Simil kernel path: {Similarity.ActiveKernelPath}; {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- matrix`");
        md.AppendLine(c, $"- Float32 FMA peak of all {Environment.ProcessorCount} cores, measured in the same run: **{peak:F1} GFLOP/s** (independent 512-bit FMAs held in registers).");
        md.AppendLine(c, $"- {Runs} runs after a warm-up: the median, with the best and worst; GFLOP/s counts 2·M·N·K for every metric (cosine and l2sq add their per-cell finish on top). This shared machine's speed drifts between runs, hence the range.");
        md.AppendLine();
        md.AppendLine("| metric | median ms | median GFLOP/s | % of FMA peak (median) | best … worst GFLOP/s |");
        md.AppendLine("|---|---:|---:|---:|---|");
        string[] names = ["dot", "cosine", "l2sq"];
        for (int i = 0; i < times.Count; i++)
        {
            double median = times[i][Runs / 2];
            md.AppendLine(c, $"| {names[i]} | {median * 1000:F1} | {flops / median / 1e9:F1} | {100 * flops / median / 1e9 / peak:F1}% | {flops / times[i][0] / 1e9:F0} … {flops / times[i][^1] / 1e9:F0} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"Target: dot at ≥ 60% of the FMA peak (median): {(flops / times[0][Runs / 2] / 1e9 >= 0.6 * peak ? "met" : "**not met**")}.");
        var path = ResultsFile.PathFor(repository, "matrix");
        ResultsFile.Write(path, md.ToString());
        Console.Write(md);
        return 0;
    }

    /// <summary>GFLOP/s of float32 FMAs on every core at once: 12 independent accumulator chains per core.</summary>
    internal static double FmaPeak()
    {
        const long Iterations = 50_000_000;
        int threads = Environment.ProcessorCount;
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Sink = Chains(Iterations, t));
            double seconds = clock.Elapsed.TotalSeconds;
            best = Math.Max(best, threads * Iterations * 12.0 * Vector512<float>.Count * 2 / seconds / 1e9);
        }
        return best;
    }

    static float Sink;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Chains(long iterations, int seed)
    {
        var x = Vector512.Create(1.0000001f + seed * 1e-9f);
        var y = Vector512.Create(0.9999999f);
        var a0 = x; var a1 = x; var a2 = x; var a3 = x; var a4 = x; var a5 = x;
        var a6 = x; var a7 = x; var a8 = x; var a9 = x; var a10 = x; var a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, y, x); a1 = Vector512.FusedMultiplyAdd(a1, y, x);
            a2 = Vector512.FusedMultiplyAdd(a2, y, x); a3 = Vector512.FusedMultiplyAdd(a3, y, x);
            a4 = Vector512.FusedMultiplyAdd(a4, y, x); a5 = Vector512.FusedMultiplyAdd(a5, y, x);
            a6 = Vector512.FusedMultiplyAdd(a6, y, x); a7 = Vector512.FusedMultiplyAdd(a7, y, x);
            a8 = Vector512.FusedMultiplyAdd(a8, y, x); a9 = Vector512.FusedMultiplyAdd(a9, y, x);
            a10 = Vector512.FusedMultiplyAdd(a10, y, x); a11 = Vector512.FusedMultiplyAdd(a11, y, x);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
