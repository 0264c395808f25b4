using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Simil.Benchmarks;

/// <summary>
/// The cells of <see cref="KernelBenchmarks"/> again, measured so that drift in this shared
/// machine's speed cannot favour one library: each repetition runs every library once, in
/// rotating order, and the table reports medians over the repetitions. BenchmarkDotNet runs one
/// library after another, seconds to minutes apart, which here moves timings by up to ±30%.
/// </summary>
static unsafe class InterleavedRun
{
    const long Bytes = 256L << 20;
    const int Repetitions = 25;

    delegate double Sweep(float* data, int pairs, int dims, long stride);

    static readonly (string Op, string Library, Sweep Run)[] s_cases =
    [
        ("dot", "Simil", SimilDot), ("dot", "TensorPrimitives", TpDot), ("dot", "NumKong", NkDot),
        ("cosine", "Simil", SimilCosine), ("cosine", "TensorPrimitives", TpCosine), ("cosine", "NumKong", NkCosine),
        ("l2sq", "Simil", SimilL2), ("l2sq", "TensorPrimitives", TpL2), ("l2sq", "NumKong", NkL2),
    ];

    public static int Run(string directory)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Kernel benchmarks, libraries interleaved");
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); Simil kernel path: {Similarity.ActiveKernelPath}; {DateTime.UtcNow:yyyy-MM-dd}");
        md.AppendLine(c, $"- Each of {Repetitions} repetitions runs every library once, in rotating order, over the same work: `Memory` streams a 256 MiB buffer of vector pairs (each pair once); `L1` scores its first pair as many times. ns is the median time per pair, [min–max] across repetitions.");
        md.AppendLine("- ×TP, ×NK: peer median ÷ Simil median (above 1: Simil is faster).");
        md.AppendLine();
        md.AppendLine("| measure | dims | data | Simil ns | TensorPrimitives ns | NumKong ns | ×TP | ×NK |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var residency in new[] { Residency.L1, Residency.Memory })
        foreach (var op in new[] { "dot", "cosine", "l2sq" })
        {
            var cases = s_cases.Where(x => x.Op == op).ToArray();
            foreach (int dims in new[] { 128, 384, 768, 1023, 1536 })
            {
                int pairs = (int)(Bytes / (2L * dims * sizeof(float)));
                long floats = 2L * pairs * dims;
                var data = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
                var random = new Random(42);
                for (long i = 0; i < floats; i++)
                    data[i] = (float)(random.NextDouble() * 2 - 1);
                var times = new double[cases.Length][];
                for (int k = 0; k < cases.Length; k++)
                    times[k] = new double[Repetitions];
                // Memory: every pair of the buffer once. L1: the first pair, as many times.
                long stride = residency == Residency.L1 ? 0 : 2L * dims;
                foreach (var (_, _, run) in cases)
                    run(data, Math.Min(pairs, 4096), dims, stride); // warm up: tier-1 code before timing
                for (int rep = 0; rep < Repetitions; rep++)
                {
                    for (int j = 0; j < cases.Length; j++)
                    {
                        int k = (j + rep) % cases.Length;
                        long start = Stopwatch.GetTimestamp();
                        cases[k].Run(data, pairs, dims, stride);
                        times[k][rep] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / pairs;
                    }
                }
                NativeMemory.AlignedFree(data);
                foreach (var t in times)
                    Array.Sort(t);
                double Median(int k) => times[k][Repetitions / 2];
                string Cell(int k) => string.Create(c, $"{Median(k):F1} [{times[k][0]:F0}–{times[k][^1]:F0}]");
                md.AppendLine(c, $"| {op} | {dims} | {residency} | {Cell(0)} | {Cell(1)} | {Cell(2)} | {Median(1) / Median(0):F2} | {Median(2) / Median(0):F2} |");
                Console.WriteLine($"{residency} {op} {dims} done");
            }
        }
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"kernels-interleaved-{ResultsFile.CpuSlug()}.md");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine($"Wrote {path}");
        return 0;
    }

    static ReadOnlySpan<float> S(float* p, int n) => new(p, n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    static double SimilDot(float* d, int pairs, int n, long stride) { double s = 0; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; s += Similarity.Dot(S(a, n), S(a + n, n)); } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double TpDot(float* d, int pairs, int n, long stride) { double s = 0; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; s += TensorPrimitives.Dot(S(a, n), S(a + n, n)); } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double NkDot(float* d, int pairs, int n, long stride) { double s = 0, r; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; NumKong.Dot(a, a + n, (nuint)n, &r); s += r; } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double SimilCosine(float* d, int pairs, int n, long stride) { double s = 0; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; s += Similarity.Cosine(S(a, n), S(a + n, n)); } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double TpCosine(float* d, int pairs, int n, long stride) { double s = 0; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; s += TensorPrimitives.CosineSimilarity(S(a, n), S(a + n, n)); } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double NkCosine(float* d, int pairs, int n, long stride) { double s = 0, r; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; NumKong.Angular(a, a + n, (nuint)n, &r); s += r; } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double SimilL2(float* d, int pairs, int n, long stride) { double s = 0; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; s += Similarity.L2Squared(S(a, n), S(a + n, n)); } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double TpL2(float* d, int pairs, int n, long stride) { double s = 0; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; float x = TensorPrimitives.Distance(S(a, n), S(a + n, n)); s += x * x; } return s; }
    [MethodImpl(MethodImplOptions.NoInlining)]
    static double NkL2(float* d, int pairs, int n, long stride) { double s = 0, r; for (int p = 0; p < pairs; p++) { float* a = d + p * stride; NumKong.SqEuclidean(a, a + n, (nuint)n, &r); s += r; } return s; }
}
