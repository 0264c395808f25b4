using System.Diagnostics;
using System.Globalization;
using System.Text;
using Simil.IO;
using Simil.Storage;

namespace Simil.Benchmarks;

/// <summary>
/// <c>index</c> mode: HNSW recall@10 and queries per second against hnswlib and FAISS
/// (IndexHNSWFlat) on the same clustered 384-d rows, M = 16, efConstruction = 128, ef swept; build
/// times and file sizes; opening times of flat index files of 10k, 1M and 6M rows (the last holds
/// more than 2³¹ floats and is searched once to show the rows beyond that are read right).
/// Results go to <c>bench/results/index-&lt;cpu&gt;.md</c>.
/// </summary>
static class IndexThroughput
{
    const int Dims = 384, K = 10;
    static readonly int[] Efs = [16, 32, 64, 128, 256];

    public static int Run(string repository, string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        int queries = 1_000;
        string parts = args.Length > 2 ? args[2] : "all";   // graph, open or all
        // A file of real embeddings when given (its last 1,000 rows are the queries), else clustered rows.
        string? source = args.Length > 3 ? args[3] : null;
        var all = source is null ? Clustered(rows + queries, 7) : VectorFile.Read(source).Vectors!.ToFloat32();
        if (source is not null)
            rows = all.Count - queries;
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(parts == "open" ? string.Create(c, $"# Opening index files: 10k, 1M and 6M rows × {Dims} (flat, float32)") : string.Create(c, $"# Index files and HNSW: {rows:N0} × {all.Dimensions} {(source is null ? "clustered rows" : "rows of " + Path.GetFileName(source))}, {queries:N0} held-out queries, k = {K}"));
        md.AppendLine();
        md.AppendLine(c, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- {string.Join(' ', args)}`");
        md.AppendLine(c, $"- Peers: hnswlib and FAISS IndexHNSWFlat from Debian's python3 packages, M = 16, efConstruction = 128, built on all cores; FAISS's OpenBLAS: {PythonPeer.OpenBlasKernel}. USearch 2.26.6 through its C library (reserved, parallel adds on every core, expansion_add 128, connectivity 16).");
        md.AppendLine(source is null
            ? "- Data: 1,000 Gaussian clusters, rows scaled by lengths in [0.5, 2] (so dot differs from cosine); queries drawn the same way, not in the corpus. Recall@10 against Simil's FlatIndex. QPS: 1 thread = queries one after another on one core; all = every core."
            : $"- Data: {Path.GetFileName(source)} (real embeddings), its last {queries:N0} rows held out as queries. Recall@10 against Simil's FlatIndex. QPS: 1 thread = queries one after another on one core; all = every core.");
        md.AppendLine();

        var corpus = Slice(all, 0, rows);
        var query = Slice(all, rows, queries);
        var dir = Directory.CreateTempSubdirectory("simil-index-bench-").FullName;
        try
        {
            string dataPath = Path.Combine(dir, "data.npy"), queryPath = Path.Combine(dir, "queries.npy");
            if (parts == "open")
                goto open;
            VectorFileWriter.Write(dataPath, corpus, VectorFileFormat.Npy);
            VectorFileWriter.Write(queryPath, query, VectorFileFormat.Npy);
            // SIMIL_BENCH_METRICS (e.g. "cosine") and SIMIL_BENCH_PEERS (e.g. "hnswlib") narrow a long run.
            var metrics = Environment.GetEnvironmentVariable("SIMIL_BENCH_METRICS") is { Length: > 0 } only
                ? only.Split(',').Select(MetricInfo.Parse).ToArray()
                : new[] { Metric.Cosine, Metric.L2Squared, Metric.Dot };
            var peers = Environment.GetEnvironmentVariable("SIMIL_BENCH_PEERS") is { Length: > 0 } named ? named.Split(',') : ["usearch", "hnswlib", "faiss"];
            if (metrics.Length < 3 || peers.Length < 3)
                md.AppendLine(c, $"This run: {string.Join(", ", metrics.Select(m => m.Name()))}; peers {string.Join(", ", peers)}.").AppendLine();
            md.AppendLine("| metric | library | build s | bytes | ef | recall@10 | QPS 1 thread | QPS all cores |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var metric in metrics)
            {
                var truth = new FlatIndex(corpus, metric).Search(query, K);
                var truthPath = Path.Combine(dir, $"truth-{metric.Name()}.npy");
                var truthRows = new float[queries * K];
                for (int q = 0; q < queries; q++)
                    for (int j = 0; j < K; j++)
                        truthRows[q * K + j] = truth[q][j].Index;
                VectorFileWriter.Write(truthPath, EmbeddingMatrix.Create(truthRows, K), VectorFileFormat.Npy);

                var clock = Stopwatch.StartNew();
                var index = HnswIndex.Build(corpus, metric, new HnswOptions { M = 16, EfConstruction = 128 });
                double build = clock.Elapsed.TotalSeconds;
                var file = Path.Combine(dir, "h.simil");
                index.Save(file);
                long bytes = new FileInfo(file).Length;
                File.Delete(file);
                foreach (int ef in Efs)
                {
                    var found = new Neighbor[queries][];
                    // Warm-up (tiered JIT, caches): every query once, untimed, as for the peers.
                    for (int q = 0; q < queries; q++)
                        _ = index.Search(query[q], K, ef);
                    clock.Restart();
                    for (int q = 0; q < queries; q++)
                        found[q] = index.Search(query[q], K, ef);
                    double one = queries / clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    Parallel.For(0, queries, q => found[q] = index.Search(query[q], K, ef));
                    double many = queries / clock.Elapsed.TotalSeconds;
                    md.AppendLine(c, $"| {metric.Name()} | Simil | {build:F1} | {bytes:N0} | {ef} | {Recall(found, truth):F3} | {one:N0} | {many:N0} |");
                    Console.Error.WriteLine($"{metric.Name()} simil ef {ef}: recall {Recall(found, truth):F3}, {one:N0} / {many:N0} q/s");
                }
                if (peers.Contains("usearch"))
                    foreach (var line in USearchPeer.Run(metric, corpus, query, truth, Efs, K, Recall))
                    {
                        md.AppendLine(line);
                        Console.Error.WriteLine(line);
                    }
                if (!peers.Contains("hnswlib") && !peers.Contains("faiss"))
                    continue;
                foreach (var line in Peers(metric, dataPath, queryPath, truthPath, peers.Contains("hnswlib"), peers.Contains("faiss")))
                {
                    md.AppendLine(line);
                    Console.Error.WriteLine(line);
                }
            }
            md.AppendLine();
            md.AppendLine("Vectors + keys for comparison with the file size: " + ((long)rows * all.Dimensions * 4).ToString("N0", c) + " bytes of float32 vectors (no keys here); the file adds NORM (4 bytes a row) and the graph.");
            md.AppendLine();
        open:
            if (parts != "graph")
                OpenTimes(md, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        var path = ResultsFile.PathFor(repository, $"index{(parts == "all" ? "" : "-" + parts)}{(source is null ? (parts == "open" ? "" : $"-{rows / 1000}k") : "-" + Path.GetFileNameWithoutExtension(source))}");
        ResultsFile.Write(path, md.ToString());
        Console.WriteLine(md);
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    static IEnumerable<string> Peers(Metric metric, string data, string queries, string truth, bool hnswlib, bool faiss)
    {
        string space = metric switch { Metric.Cosine => "cosine", Metric.Dot => "ip", _ => "l2" };
        string efs = string.Join(", ", Efs);
        string script = $$"""
            import numpy as np, time, hnswlib, faiss, os
            x = np.load({{PythonPeer.Literal(data)}}); q = np.load({{PythonPeer.Literal(queries)}}); t = np.load({{PythonPeer.Literal(truth)}}).astype(np.int64)
            n, d = x.shape; cores = os.cpu_count()
            def recall(found): return np.mean([len(set(found[i]) & set(t[i])) / t.shape[1] for i in range(len(t))])
            def qps(f):
                f(); s = time.perf_counter(); r = f(); return r, len(q) / (time.perf_counter() - s)
            run_hnswlib, run_faiss = {{(hnswlib ? "True" : "False")}}, {{(faiss ? "True" : "False")}}
            p = hnswlib.Index(space={{PythonPeer.Literal(space)}}, dim=d); p.init_index(max_elements=n if run_hnswlib else 1, M=16, ef_construction=128)
            s = time.perf_counter(); p.add_items(x if run_hnswlib else x[:1], num_threads=cores); b = time.perf_counter() - s
            p.save_index('/tmp/hnswlib.bin'); size = os.path.getsize('/tmp/hnswlib.bin'); os.remove('/tmp/hnswlib.bin')
            for ef in ([{{efs}}] if run_hnswlib else []):
                p.set_ef(ef)
                r, one = qps(lambda: p.knn_query(q, k=10, num_threads=1)[0])
                _, many = qps(lambda: p.knn_query(q, k=10, num_threads=cores)[0])
                print(f"| {{metric.Name()}} | hnswlib | {b:.1f} | {size:,} | {ef} | {recall(r):.3f} | {one:,.0f} | {many:,.0f} |", flush=True)
            if not run_faiss: raise SystemExit(0)
            xf, qf = x, q
            if {{PythonPeer.Literal(space)}} == 'cosine':
                xf = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30); qf = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-30)
            m = faiss.METRIC_L2 if {{PythonPeer.Literal(space)}} == 'l2' else faiss.METRIC_INNER_PRODUCT
            f = faiss.IndexHNSWFlat(d, 16, m); f.hnsw.efConstruction = 128
            faiss.omp_set_num_threads(cores); s = time.perf_counter(); f.add(np.ascontiguousarray(xf, dtype=np.float32)); b = time.perf_counter() - s
            faiss.write_index(f, '/tmp/faiss.bin'); size = os.path.getsize('/tmp/faiss.bin'); os.remove('/tmp/faiss.bin')
            for ef in [{{efs}}]:
                f.hnsw.efSearch = ef
                faiss.omp_set_num_threads(1); r, one = qps(lambda: f.search(qf, 10)[1])
                faiss.omp_set_num_threads(cores); _, many = qps(lambda: f.search(qf, 10)[1])
                print(f"| {{metric.Name()}} | FAISS IndexHNSWFlat | {b:.1f} | {size:,} | {ef} | {recall(r):.3f} | {one:,.0f} | {many:,.0f} |", flush=True)
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && PythonPeer.OpenBlasKernel.Contains("OPENBLAS_CORETYPE=SkylakeX", StringComparison.Ordinal))
            start.Environment["OPENBLAS_CORETYPE"] = "SkylakeX";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
            lines.Add(line);
        process.WaitForExit();
        if (process.ExitCode != 0)
            lines.Add($"| {metric.Name()} | peers failed | | | | | | {stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()} |");
        return lines;
    }

    /// <summary>Opening time (median of 9 opens) of flat index files of growing size; the largest also searched once.</summary>
    static void OpenTimes(StringBuilder md, string dir)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine("## Opening a flat index file (median of 9 opens; header only, the file in the page cache or not)");
        md.AppendLine();
        md.AppendLine("| rows × 384 | file bytes | write s | open ms | one exact query s | check |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|");
        foreach (int count in new[] { 10_000, 1_000_000, 6_000_000 })
        {
            var path = Path.Combine(dir, $"open-{count}.simil");
            var clock = Stopwatch.StartNew();
            using (var rows = new NativeRows(ElementType.Float32, count, Dims))
            {
                Parallel.For(0, count, r =>
                {
                    var row = rows.WritableRow<float>(r);
                    var random = new Random(r);
                    for (int t = 0; t < Dims; t++)
                        row[t] = random.NextSingle() - 0.5f;
                });
                new FlatIndex(EmbeddingMatrix.Over(rows), Metric.L2Squared).Save(path);
            }
            double write = clock.Elapsed.TotalSeconds;
            var opens = new double[9];
            for (int i = 0; i < opens.Length; i++)
            {
                clock.Restart();
                using var index = VectorIndex.Open(path);
                opens[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(opens);
            string check;
            double search;
            using (var index = VectorIndex.Open(path))
            {
                // The last row as the query: it lies beyond 2³¹ floats in the 6M file, so finding it at distance 0 shows it is read right.
                var last = index.Corpus[count - 1].ToArray();
                var random = new Random(count - 1);
                bool same = last.Select((v, t) => v == random.NextSingle() - 0.5f).All(b => b);
                clock.Restart();
                var top = index.Search(last, 1);
                search = clock.Elapsed.TotalSeconds;
                check = $"{(long)count * Dims:N0} floats; last row {(same ? "reads back" : "DIFFERS")}, found at {top[0].Index:N0} with l2sq {top[0].Score}";
            }
            md.AppendLine(c, $"| {count:N0} | {new FileInfo(path).Length:N0} | {write:F1} | {opens[4]:F2} | {search:F2} | {check} |");
            Console.Error.WriteLine($"open {count}: {opens[4]:F2} ms; {check}");
            File.Delete(path);
        }
    }

    static double Recall(Neighbor[][] found, Neighbor[][] truth)
    {
        long hit = 0, total = 0;
        for (int q = 0; q < truth.Length; q++)
        {
            var set = truth[q].Select(n => n.Index).ToHashSet();
            hit += found[q].Count(n => set.Contains(n.Index));
            total += truth[q].Length;
        }
        return (double)hit / total;
    }

    static EmbeddingMatrix Clustered(int rows, int seed)
    {
        const int clusters = 1_000;
        var random = new Random(seed);
        var centres = new float[clusters * Dims];
        for (int i = 0; i < centres.Length; i++)
            centres[i] = (float)Gaussian(random);
        var data = new float[(long)rows * Dims];
        for (int r = 0; r < rows; r++)
        {
            int cl = random.Next(clusters);
            double scale = 0.5 + 1.5 * random.NextDouble();
            for (int t = 0; t < Dims; t++)
                data[(long)r * Dims + t] = (float)(scale * (centres[cl * Dims + t] + 0.5 * Gaussian(random)));
        }
        return EmbeddingMatrix.Create(data, Dims);
    }

    static EmbeddingMatrix Slice(EmbeddingMatrix m, int from, int count) =>
        EmbeddingMatrix.Create(m.Data.Slice(from * m.Dimensions, count * m.Dimensions), m.Dimensions);

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
