using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Simil.Quantization;
using Simil.Search.Compressed;

namespace Simil.Benchmarks;

/// <summary>
/// Issue 11's measurements, one results file per CPU: kernels per precision against NumKong's
/// kernel for the same type (interleaved repetitions, medians), one query over 1M × 384 rows at
/// float32, int8 and binary (candidates only, then rescored), and recall@10 per precision on real
/// embeddings given as .npy files (first 1,000 rows the queries, the rest the corpus).
/// </summary>
static unsafe class CompressedThroughput
{
    const int Repetitions = 15;
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static int Run(string repository, string[] args)
    {
        string part = args.Length > 1 ? args[1] : "all";
        var md = new StringBuilder();
        md.AppendLine("# Compressed vectors (issue 11)");
        md.AppendLine();
        md.AppendLine(C, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); kernel path {Similarity.ActiveKernelPath}; {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- {string.Join(' ', args)}`");
        md.AppendLine();
        if (part is "all" or "kernels")
            Kernels(md);
        if (part is "all" or "w1")
            W1(md, args.Length > 2 && int.TryParse(args[2], out int rows) ? rows : 1_000_000);
        if (part is "all" or "recall")
            foreach (var file in args.Skip(2).Where(a => a.EndsWith(".npy", StringComparison.Ordinal)))
                Recall(md, file);
        var path = ResultsFile.PathFor(repository, $"compressed-{part}");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md);
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    delegate double Sweep(byte* data, int pairs, int dims, long stride);

    // Each case: (precision, op, bytes per element pair for a row of d dims, Simil, NumKong).
    static readonly (string Precision, string Op, Func<int, int> RowBytes, Sweep Simil, Sweep NumKong)[] s_kernels =
    [
        ("float16", "dot", d => 2 * d, (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => Similarity.Dot(new ReadOnlySpan<Half>(a, d), new ReadOnlySpan<Half>(b, d))),
                               (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => { float r; NumKong.DotF16(a, b, (nuint)d, &r); return r; })),
        ("float16", "l2sq", d => 2 * d, (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => Similarity.L2Squared(new ReadOnlySpan<Half>(a, d), new ReadOnlySpan<Half>(b, d))),
                               (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => { float r; NumKong.SqEuclideanF16(a, b, (nuint)d, &r); return r; })),
        ("bfloat16", "dot", d => 2 * d, (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => Similarity.Dot(new ReadOnlySpan<BFloat16>(a, d), new ReadOnlySpan<BFloat16>(b, d))),
                               (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => { float r; NumKong.DotBF16(a, b, (nuint)d, &r); return r; })),
        ("bfloat16", "l2sq", d => 2 * d, (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => Similarity.L2Squared(new ReadOnlySpan<BFloat16>(a, d), new ReadOnlySpan<BFloat16>(b, d))),
                               (p, n, d, s) => Loop(p, n, d, s, 2 * d, (a, b) => { float r; NumKong.SqEuclideanBF16(a, b, (nuint)d, &r); return r; })),
        ("int8", "dot", d => d, (p, n, d, s) => Loop(p, n, d, s, d, (a, b) => Similarity.Dot(new ReadOnlySpan<sbyte>(a, d), new ReadOnlySpan<sbyte>(b, d))),
                               (p, n, d, s) => Loop(p, n, d, s, d, (a, b) => { int r; NumKong.DotI8(a, b, (nuint)d, &r); return r; })),
        ("int8", "l2sq", d => d, (p, n, d, s) => Loop(p, n, d, s, d, (a, b) => Similarity.L2Squared(new ReadOnlySpan<sbyte>(a, d), new ReadOnlySpan<sbyte>(b, d))),
                               (p, n, d, s) => Loop(p, n, d, s, d, (a, b) => { uint r; NumKong.SqEuclideanI8(a, b, (nuint)d, &r); return r; })),
        ("binary", "hamming", d => d / 8, (p, n, d, s) => Loop(p, n, d, s, d / 8, (a, b) => Similarity.Hamming(new ReadOnlySpan<byte>(a, d / 8), new ReadOnlySpan<byte>(b, d / 8))),
                               (p, n, d, s) => Loop(p, n, d, s, d / 8, (a, b) => { uint r; NumKong.HammingU1(a, b, (nuint)d, &r); return r; })),
    ];

    delegate double Pair(byte* a, byte* b);

    static double Loop(byte* data, int pairs, int dims, long stride, int rowBytes, Pair pair)
    {
        double sink = 0;
        for (int i = 0; i < pairs; i++)
        {
            byte* a = data + i * stride;
            sink += pair(a, a + rowBytes);
        }
        return sink;
    }

    static void Kernels(StringBuilder md)
    {
        const long Bytes = 256L << 20;
        md.AppendLine("## Kernels against NumKong, same element type");
        md.AppendLine();
        md.AppendLine(C, $"Each of {Repetitions} repetitions runs both libraries once, in alternating order. `Memory` streams a 256 MiB buffer of row pairs (each pair once); `L1` scores its first pair as many times. ns: median per pair. ×NK = NumKong ÷ Simil (above 1: Simil is faster). Random data (int8 uniform over −128..127, halves and bfloat16 of uniform −1..1, random bits).");
        md.AppendLine();
        md.AppendLine("| precision | measure | dims | data | Simil ns | NumKong ns | ×NK |");
        md.AppendLine("|---|---|---:|---|---:|---:|---:|");
        var random = new Random(42);
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)Bytes, 64);
        try
        {
            // Every kernel at every size until the runtime has optimized it (tiered compilation promotes
            // methods in the background), then a pause for the last promotions: no cell times first-tier code.
            Fill(buffer, 1 << 20, "int8", random);
            for (int round = 0; round < 3; round++)
            {
                foreach (var (_, _, _, simil, numkong) in s_kernels)
                    foreach (int dims in new[] { 128, 384, 768, 1536 })
                    {
                        simil(buffer, 20_000, dims, 0);
                        numkong(buffer, 20_000, dims, 0);
                    }
                Thread.Sleep(500);
            }
            // SIMIL_BENCH_PRECISIONS=int8,binary limits the table to those precisions (for quick checks).
            var only = Environment.GetEnvironmentVariable("SIMIL_BENCH_PRECISIONS")?.Split(',', StringSplitOptions.TrimEntries);
            foreach (var residency in new[] { "L1", "Memory" })
                foreach (var (precision, op, rowBytes, simil, numkong) in s_kernels.Where(k => only is null || only.Contains(k.Precision)))
                    foreach (int dims in new[] { 128, 384, 768, 1536 })
                    {
                        Fill(buffer, Bytes, precision, random);
                        int row = rowBytes(dims);
                        int pairs = (int)(Bytes / (2L * row));
                        long stride = residency == "L1" ? 0 : 2L * row;
                        int calls = residency == "L1" ? Math.Min(pairs, 200_000) : pairs;
                        var ts = new double[Repetitions];
                        var tn = new double[Repetitions];
                        for (int r = 0; r < Repetitions; r++)
                        {
                            if (r % 2 == 0)
                            {
                                ts[r] = Time(() => simil(buffer, calls, dims, stride)) / calls;
                                tn[r] = Time(() => numkong(buffer, calls, dims, stride)) / calls;
                            }
                            else
                            {
                                tn[r] = Time(() => numkong(buffer, calls, dims, stride)) / calls;
                                ts[r] = Time(() => simil(buffer, calls, dims, stride)) / calls;
                            }
                        }
                        double ms = Medians.Of(ts), mn = Medians.Of(tn);
                        md.AppendLine(C, $"| {precision} | {op} | {dims} | {residency} | {ms:F2} | {mn:F2} | {mn / ms:F2} |");
                        Console.Error.WriteLine($"{precision} {op} {dims} {residency}: {ms:F2} vs {mn:F2}");
                    }
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
        md.AppendLine();
    }

    static void Fill(byte* buffer, long bytes, string precision, Random random)
    {
        switch (precision)
        {
            case "float16":
                for (long i = 0; i < bytes / 2; i++)
                    ((Half*)buffer)[i] = (Half)(random.NextSingle() * 2 - 1);
                break;
            case "bfloat16":
                for (long i = 0; i < bytes / 2; i++)
                    ((BFloat16*)buffer)[i] = (BFloat16)(random.NextSingle() * 2 - 1);
                break;
            default:
                random.NextBytes(new Span<byte>(buffer, (int)Math.Min(bytes, int.MaxValue)));
                break;
        }
    }

    static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalNanoseconds;
    }


    static void W1(StringBuilder md, int rows)
    {
        const int Dims = 384, Queries = 20;
        Console.Error.WriteLine($"W1: generating {rows:N0} × {Dims}");
        var corpus = Clustered(rows, Dims, 1);
        var queries = Clustered(Queries, Dims, 2);
        using var f32 = new FlatIndex(corpus, Metric.Cosine);
        using var i8 = new FlatIndex(corpus, Metric.Cosine, new IndexCompression(Precision.Int8, KeepFloat32: true));
        using var b1 = new FlatIndex(corpus, Metric.Cosine, new IndexCompression(Precision.Binary, KeepFloat32: true));
        var cases = new (string Name, Func<int, Neighbor[]> Run)[]
        {
            ("float32 exact", q => f32.Search(queries[q], 10)),
            ("int8 candidates only (k × 1, no rescoring)", q => Candidates(i8, queries[q], 10)),
            ("int8 + rescoring (default oversample 2)", q => i8.Search(queries[q], 10, 2)),
            ("binary candidates only (k × 1, no rescoring)", q => Candidates(b1, queries[q], 10)),
            ("binary + rescoring (oversample 4)", q => b1.Search(queries[q], 10, 4)),
            ("binary + rescoring (default oversample 16)", q => b1.Search(queries[q], 10, 16)),
        };
        var times = cases.Select(_ => new double[Queries * 3]).ToArray();
        foreach (var (_, run) in cases)
            run(0);
        for (int r = 0; r < Queries * 3; r++)
            for (int c0 = 0; c0 < cases.Length; c0++)
            {
                int c = (c0 + r) % cases.Length;
                times[c][r] = Time(() => cases[c].Run(r % Queries)) / 1e6;
            }
        double baseline = Medians.Of(times[0]);
        md.AppendLine(C, $"## W1: one query × {rows:N0} × {Dims}, k = 10, cosine");
        md.AppendLine();
        md.AppendLine(C, $"Clustered synthetic rows (fixed seed); {Queries} queries × 3 rounds, the cases interleaved; ms = median per query on all {Environment.ProcessorCount} cores. Speed-up = float32 ÷ case.");
        md.AppendLine();
        md.AppendLine("| case | ms | speed-up vs float32 |");
        md.AppendLine("|---|---:|---:|");
        for (int c = 0; c < cases.Length; c++)
            md.AppendLine(C, $"| {cases[c].Name} | {Medians.Of(times[c]):F2} | {baseline / Medians.Of(times[c]):F2} |");
        md.AppendLine();
    }

    static Neighbor[] Candidates(FlatIndex index, ReadOnlySpan<float> query, int k)
    {
        // The first step alone: the best k by the codes, no float32 row read.
        var norms = index.NormsForBenchmark;
        fixed (float* n = norms)
            return [.. CompressedSearch.Scan(index.CodesForBenchmark!, index.Metric, query, k, n).Select(i => new Neighbor(i, 0))];
    }

    static EmbeddingMatrix Clustered(int rows, int dims, int seed)
    {
        const int Clusters = 1000;
        var centreRandom = new Random(7);
        var centres = new float[Clusters * dims];
        for (int i = 0; i < centres.Length; i++)
            centres[i] = centreRandom.NextSingle() * 2 - 1;
        var data = GC.AllocateUninitializedArray<float>(rows * dims);
        Parallel.For(0, Environment.ProcessorCount, part =>
        {
            var random = new Random(seed * 1000 + part);
            int from = (int)((long)rows * part / Environment.ProcessorCount), to = (int)((long)rows * (part + 1) / Environment.ProcessorCount);
            for (int r = from; r < to; r++)
            {
                int c = random.Next(Clusters);
                for (int t = 0; t < dims; t++)
                    data[(long)r * dims + t] = centres[c * dims + t] + 0.5f * (random.NextSingle() * 2 - 1);
            }
        });
        return EmbeddingMatrix.Create(data, dims);
    }

    static void Recall(StringBuilder md, string file)
    {
        var all = IO.VectorFile.Read(file).Vectors!;
        int queryCount = Math.Min(1000, all.Count / 10);
        var data = all.Rows.All<float>();
        var queries = EmbeddingMatrix.Create(data[..(queryCount * all.Dimensions)], all.Dimensions);
        var corpus = EmbeddingMatrix.Create(data[(queryCount * all.Dimensions)..], all.Dimensions);
        md.AppendLine(C, $"## Recall@10 against float32 exact search: {Path.GetFileName(file)}");
        md.AppendLine();
        md.AppendLine(C, $"{corpus.Count:N0} rows × {corpus.Dimensions} searched by the file's first {queryCount:N0} rows, cosine, flat index. \"codes\": the top 10 by the codes alone; \"×R\": the top 10·R by the codes rescored with float32 rows (`--rescore`). Bytes per vector: the codes (float32 rows kept for rescoring come on top).");
        md.AppendLine();
        md.AppendLine("| precision | bytes/vector | codes | ×1 | ×2 | ×4 | ×8 | ×16 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var exact = new FlatIndex(corpus, Metric.Cosine);
        var truth = Enumerable.Range(0, queryCount).Select(q => exact.Search(queries[q], 10)).ToArray();
        foreach (var (precision, asymmetric) in new[] { (Precision.Float16, true), (Precision.BFloat16, true), (Precision.Int8, true), (Precision.Int8, false), (Precision.Binary, true) })
        {
            CodeScorer.Int8Asymmetric = asymmetric;
            using var index = new FlatIndex(corpus, Metric.Cosine, new IndexCompression(precision, KeepFloat32: true));
            var cells = new List<string> { Recall10(q => Candidates(index, queries[q], 10), truth) };
            foreach (int r in new[] { 1, 2, 4, 8, 16 })
                cells.Add(Recall10(q => index.Search(queries[q], 10, r), truth));
            string name = precision == Precision.Int8 ? $"int8 ({(asymmetric ? "asymmetric: float32 query" : "symmetric: query quantized")})" : precision.Name();
            md.AppendLine(C, $"| {name} | {CompressedVectors.BytesPerRow(precision, corpus.Dimensions)} | {string.Join(" | ", cells)} |");
            Console.Error.WriteLine($"{Path.GetFileName(file)} {name}: {string.Join(" ", cells)}");
        }
        CodeScorer.Int8Asymmetric = true;
        md.AppendLine(C, $"| float32 | {4 * corpus.Dimensions} | 1.0000 | | | | | |");
        md.AppendLine();
    }

    static string Recall10(Func<int, Neighbor[]> search, Neighbor[][] truth)
    {
        var found = new Neighbor[truth.Length][];
        Parallel.For(0, truth.Length, q => found[q] = search(q));
        long hit = 0, total = 0;
        for (int q = 0; q < truth.Length; q++)
        {
            var set = truth[q].Select(n => n.Index).ToHashSet();
            hit += found[q].Count(n => set.Contains(n.Index));
            total += truth[q].Length;
        }
        return ((double)hit / total).ToString("F4", C);
    }
}
