using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Simil.Benchmarks;

/// <summary>
/// All-pairs products through <see cref="Similarity.Matrix(Metric, EmbeddingMatrix, EmbeddingMatrix, Span{float})"/>
/// on two shapes — 4,096 × 4,096 × 384 (dot, cosine, l2sq) and 10,000 × 1,000 × 1,536 (dot) — in
/// GFLOP/s (2·M·N·K per run), against OpenBLAS's sgemm on the same data in the same run (NumPy's
/// <c>np.matmul(A, B.T, out=C)</c> into a preallocated C, at its best kernel: see <see cref="PythonPeer"/>)
/// and against the float32 FMA peak of all cores measured in the same run.
/// </summary>
static class MatrixThroughput
{
    const int Runs = 9;

    public static int Run(string repository)
    {
        var c = CultureInfo.InvariantCulture;
        double peak = FmaPeak();
        var md = new StringBuilder();
        md.AppendLine("# All-pairs matrix: Simil against OpenBLAS sgemm");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); Simil kernel path: {Similarity.ActiveKernelPath}; {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- matrix`");
        md.AppendLine(c, $"- Float32 FMA peak of all {Environment.ProcessorCount} cores, measured in the same run: **{peak:F1} GFLOP/s** (independent 512-bit FMAs held in registers).");
        md.AppendLine(c, $"- Peer: OpenBLAS sgemm through NumPy, `np.matmul(A, B.T, out=C)` into a preallocated C (kernel: {PythonPeer.OpenBlasKernel}), median of {Runs} runs timed inside Python after a warm-up.");
        md.AppendLine(c, $"- Simil: {Runs} runs after a warm-up, then the peer, then {Runs} more; the median of all {2 * Runs}, with the best and worst. GFLOP/s counts 2·M·N·K for every metric (cosine and l2sq add their per-cell finish on top). Results are rounded once from float64 tiles (float32 chains of at most 128 FMAs); OpenBLAS sums in float32 throughout.");
        md.AppendLine();
        md.AppendLine("| shape (M × N × K) | metric | engine | median ms | median GFLOP/s | % of FMA peak | best … worst GFLOP/s | Simil ÷ OpenBLAS |");
        md.AppendLine("|---|---|---|---:|---:|---:|---|---:|");
        var folder = Directory.CreateTempSubdirectory("simil-matrix-").FullName;
        try
        {
            foreach (var (m, n, k, metrics) in new[] { (4096, 4096, 384, new[] { Metric.Dot, Metric.Cosine, Metric.L2Squared }), (10_000, 1000, 1536, new[] { Metric.Dot }) })
            {
                var random = new Random(7);
                var a = RandomMatrix(random, m, k);
                var b = RandomMatrix(random, n, k);
                string aPath = Path.Combine(folder, "a.npy"), bPath = Path.Combine(folder, "b.npy");
                Simil.IO.VectorFileWriter.Write(aPath, a, Simil.IO.VectorFileFormat.Npy);
                Simil.IO.VectorFileWriter.Write(bPath, b, Simil.IO.VectorFileFormat.Npy);
                var result = new float[(long)m * n];
                double flops = 2.0 * m * n * k;
                string shape = string.Create(c, $"{m:N0} × {n:N0} × {k:N0}");
                foreach (var metric in metrics)
                {
                    var first = Time(() => Similarity.Matrix(metric, a, b, result));
                    double? blas = metric == Metric.Dot
                        ? PythonPeer.Median($"import numpy as np\nA = np.load({PythonPeer.Literal(aPath)}); B = np.load({PythonPeer.Literal(bPath)}); C = np.empty((A.shape[0], B.shape[0]), dtype=np.float32)",
                            "np.matmul(A, B.T, out=C)", Runs, warmUp: true)
                        : null;
                    var second = metric == Metric.Dot ? Time(() => Similarity.Matrix(metric, a, b, result)) : [];
                    double[] all = [.. first, .. second];
                    Array.Sort(all);
                    double median = all[all.Length / 2];
                    string ratio = blas is { } t ? string.Create(c, $"**{t / median:F2}×**") : "";
                    md.AppendLine(c, $"| {shape} | {metric.Name()} | Simil | {median * 1000:F1} | {flops / median / 1e9:F1} | {100 * flops / median / 1e9 / peak:F0}% | {flops / all[0] / 1e9:F0} … {flops / all[^1] / 1e9:F0} | {ratio} |");
                    if (blas is { } peer)
                        md.AppendLine(c, $"| {shape} | {metric.Name()} | OpenBLAS sgemm | {peer * 1000:F1} | {flops / peer / 1e9:F1} | {100 * flops / peer / 1e9 / peak:F0}% | | |");
                    Console.WriteLine(string.Create(c, $"{shape} {metric.Name()}: Simil {median * 1000:F1} ms{(blas is { } p ? $", OpenBLAS {p * 1000:F1} ms, {p / median:F2}×" : "")}"));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var path = ResultsFile.PathFor(repository, "matrix");
        ResultsFile.Write(path, md.ToString());
        Console.Write(md);
        return 0;
    }

    static EmbeddingMatrix RandomMatrix(Random random, int rows, int dims)
    {
        var data = GC.AllocateUninitializedArray<float>(rows * dims);
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return EmbeddingMatrix.Create(data, dims);
    }

    /// <summary>Seconds of each of <see cref="Runs"/> runs after one warm-up.</summary>
    static double[] Time(Action action)
    {
        action();
        var runs = new double[Runs];
        for (int r = 0; r < Runs; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            runs[r] = clock.Elapsed.TotalSeconds;
        }
        return runs;
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
