using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Simil.IO;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 4's workloads against FAISS (IndexFlatIP/IndexFlatL2) and NumPy on the same data in the
/// same run, beside the machine's limits measured in the same run:
/// W1, one query over 1,000,000 × 384 float32, k = 10, in GB/s of corpus read;
/// W2, 10,000 queries over 100,000 × 384, k = 10, in GFLOP/s (2·Q·N·D);
/// and a loop over TensorPrimitives.Dot with a full sort (what an in-memory vector store does).
/// </summary>
static class SearchThroughput
{
    const int Dims = 384, K = 10, Runs = 5;

    public static int Run(string repository)
    {
        var c = CultureInfo.InvariantCulture;
        var folder = Directory.CreateTempSubdirectory("simil-search-").FullName;
        try
        {
            double peak = MatrixThroughput.FmaPeak();
            var random = new Random(11);
            var big = Random(random, 1_000_000);
            var bigPath = Path.Combine(folder, "w1.npy");
            VectorFileWriter.Write(bigPath, big, VectorFileFormat.Npy);
            double bandwidth = ReadBandwidth(big);
            var query = Random(random, 1);
            var queryPath = Path.Combine(folder, "q1.npy");
            VectorFileWriter.Write(queryPath, query, VectorFileFormat.Npy);
            double gigabytes = big.Count * (double)Dims * 4 / 1e9;

            var md = new StringBuilder();
            md.AppendLine("# Exact search: W1 (one query, 1M × 384) and W2 (10,000 queries, 100,000 × 384)");
            md.AppendLine();
            md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- search`");
            md.AppendLine(c, $"- Machine limits, same run: float32 FMA peak {peak:F0} GFLOP/s (all cores); streaming read {bandwidth:F1} GB/s at the start (all cores, the W1 corpus; the best of 10 runs of a plain 512-bit sum and of a 4-accumulator sum asking for lines 8 KB ahead); W1 rows divide by the same measure taken again just before each metric.");
            md.AppendLine(c, $"- Peers: Debian's python3-faiss and python3-numpy on OpenBLAS (kernel: {PythonPeer.OpenBlasKernel}); same .npy files; median of {Runs} runs timed inside Python.");
            md.AppendLine();
            md.AppendLine("## W1: one query, 1,000,000 × 384, k = 10");
            md.AppendLine();
            md.AppendLine("| metric | engine | ms | GB/s | % of read bandwidth (GB/s, measured just before) |");
            md.AppendLine("|---|---|---:|---:|---:|");
            foreach (var metric in new[] { Metric.Dot, Metric.Cosine, Metric.L2Squared, Metric.L2 })
            {
                var index = new FlatIndex(big, metric);
                // The bandwidth again beside each metric: the machine drifts between minutes.
                double near = ReadBandwidth(big);
                double simil = Median(() => index.Search(query[0], K), runs: 9);
                md.AppendLine(c, $"| {metric.Name()} | Simil FlatIndex | {simil * 1000:F1} | {gigabytes / simil:F1} | {100 * gigabytes / simil / near:F0}% of {near:F1} |");
                var (faissIndex, faissSetup) = FaissSetup(metric, bigPath, queryPath, "X", "q");
                double faiss = Python(faissSetup, "ix.search(q, 10)");
                md.AppendLine(c, $"| {metric.Name()} | FAISS {faissIndex} | {faiss * 1000:F1} | {gigabytes / faiss:F1} | {100 * gigabytes / faiss / near:F0}% |");
                string numpyNote = "";
                if (metric is Metric.Dot or Metric.L2Squared)
                {
                    string expr = metric == Metric.Dot ? "s = X @ q[0]; np.argpartition(-s, 10)[:10]" : "s = ((X - q[0]) ** 2).sum(1); np.argpartition(s, 10)[:10]";
                    double numpy = Python($"import numpy as np\nX = np.load({Json(bigPath)}); q = np.load({Json(queryPath)})", expr);
                    md.AppendLine(c, $"| {metric.Name()} | NumPy ({expr.Split(';')[0]}, argpartition) | {numpy * 1000:F1} | {gigabytes / numpy:F1} | {100 * gigabytes / numpy / near:F0}% |");
                    numpyNote = $", numpy {numpy * 1000:F1} ms";
                }
                Console.WriteLine($"W1 {metric.Name()}: simil {simil * 1000:F1} ms ({100 * gigabytes / simil / near:F0}% of {near:F1} GB/s), faiss {faiss * 1000:F1} ms{numpyNote}");
            }
            big = null!;
            GC.Collect();

            var corpus = Random(random, 100_000);
            var queries = Random(random, 10_000);
            var corpusPath = Path.Combine(folder, "w2.npy");
            var queriesPath = Path.Combine(folder, "q2.npy");
            VectorFileWriter.Write(corpusPath, corpus, VectorFileFormat.Npy);
            VectorFileWriter.Write(queriesPath, queries, VectorFileFormat.Npy);
            double flops = 2.0 * queries.Count * corpus.Count * Dims;
            md.AppendLine();
            md.AppendLine("## W2: 10,000 queries, 100,000 × 384, k = 10");
            md.AppendLine();
            md.AppendLine("| metric | engine | s | GFLOP/s | % of FMA peak |");
            md.AppendLine("|---|---|---:|---:|---:|");
            foreach (var metric in new[] { Metric.Dot, Metric.L2Squared, Metric.Cosine })
            {
                var index = new FlatIndex(corpus, metric);
                double simil = Median(() => index.Search(queries, K), runs: 3);
                md.AppendLine(c, $"| {metric.Name()} | Simil FlatIndex | {simil:F2} | {flops / simil / 1e9:F1} | {100 * flops / simil / 1e9 / peak:F0}% |");
                var (faissIndex, faissSetup) = FaissSetup(metric, corpusPath, queriesPath, "X", "Q");
                double faiss = Python(faissSetup, "ix.search(Q, 10)", runs: 3);
                md.AppendLine(c, $"| {metric.Name()} | FAISS {faissIndex} | {faiss:F2} | {flops / faiss / 1e9:F1} | {100 * flops / faiss / 1e9 / peak:F0}% |");
                md.AppendLine(c, $"| {metric.Name()} | **Simil ÷ FAISS** | **{faiss / simil:F2}×** | | |");
                Console.WriteLine($"W2 {metric.Name()}: simil {simil:F2} s, faiss {faiss:F2} s, {faiss / simil:F2}×");
                if (metric == Metric.Dot)
                {
                    // The in-memory vector store's way: TensorPrimitives.Dot per row, then a full sort; 5 queries, scaled (one timed run: it is 40× slower than the rest).
                    const int Sample = 5;
                    double loop = Median(() =>
                    {
                        var scores = new float[corpus.Count];
                        var order = new int[corpus.Count];
                        for (int q = 0; q < Sample; q++)
                        {
                            for (int r = 0; r < corpus.Count; r++)
                            {
                                scores[r] = -TensorPrimitives.Dot(corpus[r], queries[q]);
                                order[r] = r;
                            }
                            Array.Sort(scores, order);
                        }
                    }, runs: 1) * queries.Count / Sample;
                    md.AppendLine(c, $"| dot | TensorPrimitives.Dot loop + full sort ({Sample} queries, scaled to 10,000) | {loop:F2} | {flops / loop / 1e9:F1} | {100 * flops / loop / 1e9 / peak:F0}% |");
                    Console.WriteLine($"W2 TP loop: {loop:F2} s (scaled)");
                }
            }
            ResultsFile.Write(ResultsFile.PathFor(repository, "search"), md.ToString());
            Console.Write(md);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static EmbeddingMatrix Random(Random random, int rows)
    {
        var data = GC.AllocateUninitializedArray<float>(rows * Dims);
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1);
        return EmbeddingMatrix.Create(data, Dims);
    }

    /// <summary>
    /// GB/s of reading the matrix on every core, the best of <see cref="Runs"/> runs of two loops:
    /// a plain sum of 512-bit loads, and one with four accumulators that also asks for every cache
    /// line 8 KB ahead (as the scan does). The higher is the machine's read bandwidth here.
    /// </summary>
    static unsafe double ReadBandwidth(EmbeddingMatrix m)
    {
        double best = 0;
        int parts = Environment.ProcessorCount;
        for (int r = 0; r < 2 * Runs; r++)
        {
            bool prefetch = r % 2 == 1;
            var clock = Stopwatch.StartNew();
            var sums = new float[parts];
            Parallel.For(0, parts, p =>
            {
                var data = m.Data;
                int from = (int)((long)data.Length * p / parts), to = (int)((long)data.Length * (p + 1) / parts);
                var a0 = Vector512<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
                int i = from;
                fixed (float* d = data)
                {
                    if (prefetch)
                        for (; i + 64 + 2048 <= to; i += 64)
                        {
                            byte* next = (byte*)(d + i + 2048);
                            Sse.Prefetch0(next); Sse.Prefetch0(next + 64); Sse.Prefetch0(next + 128); Sse.Prefetch0(next + 192);
                            a0 += Vector512.Load(d + i); a1 += Vector512.Load(d + i + 16);
                            a2 += Vector512.Load(d + i + 32); a3 += Vector512.Load(d + i + 48);
                        }
                    for (; i + 16 <= to; i += 16)
                        a0 += Vector512.Load(d + i);
                }
                sums[p] = Vector512.Sum((a0 + a1) + (a2 + a3));
            });
            best = Math.Max(best, m.Data.Length * 4.0 / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>
    /// FAISS at its best for <paramref name="metric"/>: IndexFlatIP for dot; for cosine, IndexFlatIP
    /// on rows and queries normalised beforehand (untimed; Simil's cosine takes the raw rows and its
    /// norms count in its time); IndexFlatL2 for l2sq and l2 (it ranks by l2sq either way).
    /// </summary>
    static (string Index, string Setup) FaissSetup(Metric metric, string corpusPath, string queryPath, string corpusName, string queryName)
    {
        string load = $"import faiss, numpy as np\n{corpusName} = np.load({Json(corpusPath)}); {queryName} = np.load({Json(queryPath)})\n";
        return metric switch
        {
            Metric.Dot => ("IndexFlatIP", load + $"ix = faiss.IndexFlatIP({corpusName}.shape[1]); ix.add({corpusName})"),
            Metric.Cosine => ("IndexFlatIP on normalised rows", load +
                $"{corpusName} = {corpusName} / np.linalg.norm({corpusName}, axis=1, keepdims=True); {queryName} = {queryName} / np.linalg.norm({queryName}, axis=1, keepdims=True)\n" +
                $"ix = faiss.IndexFlatIP({corpusName}.shape[1]); ix.add({corpusName})"),
            _ => ("IndexFlatL2", load + $"ix = faiss.IndexFlatL2({corpusName}.shape[1]); ix.add({corpusName})"),
        };
    }

    static double Median(Action action, int runs = Runs)
    {
        action();
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[r] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    static double Python(string setup, string timed, int runs = Runs) => PythonPeer.Median(setup, timed, runs, warmUp: true);

    static string Json(string s) => PythonPeer.Literal(s);
}
