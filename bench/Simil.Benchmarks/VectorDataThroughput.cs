using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommunityToolkit.VectorData.InMemory;
using Microsoft.Extensions.VectorData;
using Simil.VectorData;

namespace Simil.Benchmarks;

/// <summary>
/// MEVD vector search latency: one query × ROWS × 384 (top 10, cosine) on Simil.VectorData's flat and
/// HNSW kinds against the in-memory connector and against a bare <see cref="FlatIndex"/> over the same
/// rows, interleaved query by query; the flat results are checked equal to the connector's. Then
/// single-record upserts into the loaded collections (each its own durable write), timed one by one.
/// </summary>
static class VectorDataThroughput
{
    public sealed class Row
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreVector(384, DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Flat)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    public sealed class GraphRow
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreVector(384, DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Hnsw)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    public static async Task<int> Run(string repository, string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        const int Dims = 384, Queries = 30, Top = 10;
        int SingleFlat = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
        int SingleGraph = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 500;
        // Clustered rows, as embeddings are (1,000 centres, noise of half their spread): uniform random
        // vectors have no neighbours worth the name, and no graph finds them.
        var random = new Random(11);
        var centres = Enumerable.Range(0, 1000).Select(_ => Enumerable.Range(0, Dims).Select(_ => random.NextSingle() * 2 - 1).ToArray()).ToArray();
        float[] Near(float[] c) => [.. c.Select(x => x + 0.5f * (random.NextSingle() * 2 - 1))];
        var vectors = Enumerable.Range(0, rows).Select(_ => Near(centres[random.Next(centres.Length)])).ToArray();
        var queries = Enumerable.Range(0, Queries).Select(_ => Near(centres[random.Next(centres.Length)])).ToArray();
        string folder = Path.Combine(Path.GetTempPath(), $"simil-bench-mevd-{Environment.ProcessId}");
        try
        {
            using var simil = new SimilVectorStore(folder, new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false });
            using var inMemory = new InMemoryVectorStore();
            var flat = simil.GetCollection<int, Row>("flat");
            var graph = simil.GetCollection<int, GraphRow>("graph");
            var peer = inMemory.GetCollection<int, Row>("flat");
            await flat.EnsureCollectionExistsAsync();
            await graph.EnsureCollectionExistsAsync();
            await peer.EnsureCollectionExistsAsync();
            var upsert = Stopwatch.StartNew();
            await flat.UpsertAsync(vectors.Select((v, i) => new Row { Id = i, Embedding = v }));
            double flatUpsert = upsert.Elapsed.TotalSeconds;
            upsert.Restart();
            await graph.UpsertAsync(vectors.Select((v, i) => new GraphRow { Id = i, Embedding = v }));
            double graphUpsert = upsert.Elapsed.TotalSeconds;
            upsert.Restart();
            await peer.UpsertAsync(vectors.Select((v, i) => new Row { Id = i, Embedding = v }));
            double peerUpsert = upsert.Elapsed.TotalSeconds;

            var bare = new FlatIndex(EmbeddingMatrix.Create([.. vectors.SelectMany(v => v)], Dims), Metric.Cosine);
            var times = new double[4][];
            for (int c = 0; c < 4; c++)
                times[c] = new double[Queries];
            int same = 0;
            long graphHits = 0;
            for (int round = -1; round < Queries; round++)   // round −1 warms every path up
            {
                var q = queries[Math.Max(round, 0)];
                var w = Stopwatch.StartNew();
                var a = await flat.SearchAsync(new ReadOnlyMemory<float>(q), Top).Select(r => r.Record.Id).ToListAsync();
                double ta = w.Elapsed.TotalMilliseconds;
                w.Restart();
                var b = await peer.SearchAsync(new ReadOnlyMemory<float>(q), Top).Select(r => r.Record.Id).ToListAsync();
                double tb = w.Elapsed.TotalMilliseconds;
                w.Restart();
                var g = await graph.SearchAsync(new ReadOnlyMemory<float>(q), Top).Select(r => r.Record.Id).ToListAsync();
                double tg = w.Elapsed.TotalMilliseconds;
                w.Restart();
                var f = bare.Search(q, Top);
                double tf = w.Elapsed.TotalMilliseconds;
                if (round < 0)
                    continue;
                (times[0][round], times[1][round], times[2][round], times[3][round]) = (ta, tb, tg, tf);
                if (!f.Select(n => n.Index).SequenceEqual(a))
                    throw new InvalidOperationException($"query {round}: the store's flat top {Top} differs from FlatIndex's");
                if (a.SequenceEqual(b))
                    same++;
                graphHits += g.Intersect(b).Count();
            }
            // Single-record upserts into the loaded collections: new ids, each call one durable write.
            var single = new double[2][];
            for (int c = 0; c < 2; c++)
            {
                single[c] = new double[c == 0 ? SingleFlat : SingleGraph];
                for (int i = 0; i < single[c].Length; i++)
                {
                    var v = Near(centres[random.Next(centres.Length)]);
                    var w = Stopwatch.StartNew();
                    if (c == 0)
                        await flat.UpsertAsync(new Row { Id = rows + i, Embedding = v });
                    else
                        await graph.UpsertAsync(new GraphRow { Id = rows + i, Embedding = v });
                    single[c][i] = w.Elapsed.TotalMilliseconds;
                }
            }
            double Median(double[] x) => x.Order().ElementAt(x.Length / 2);
            double P99(double[] x) => x.Order().ElementAt(Math.Min(x.Length - 1, (int)Math.Ceiling(0.99 * x.Length) - 1));
            var c2 = CultureInfo.InvariantCulture;
            var md = new StringBuilder();
            md.AppendLine("# MEVD vector search: Simil.VectorData against the in-memory connector");
            md.AppendLine();
            md.AppendLine(c2, $"- CPU: {Machine.CpuName()} ({Environment.ProcessorCount} logical cores); {DateTime.UtcNow:yyyy-MM-dd}; `dotnet run -c Release --project bench/Simil.Benchmarks -- {string.Join(' ', args)}`");
            md.AppendLine(c2, $"- {rows:N0} clustered random rows × {Dims} (1,000 centres), cosine similarity, top {Top}, {Queries} queries; the searches (in-memory, Simil flat, Simil HNSW, bare FlatIndex) run one after another for each query; ms = median per query.");
            md.AppendLine();
            md.AppendLine("| store | kind | ms per query | × in-memory | ÷ FlatIndex | upsert of all rows, s | one-record upsert p50 / p99, ms | agreement |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
            md.AppendLine(c2, $"| in-memory connector (CommunityToolkit.VectorData.InMemory) | flat | {Median(times[1]):F2} | 1.00 | {Median(times[1]) / Median(times[3]):F2} | {peerUpsert:F1} | — | — |");
            md.AppendLine(c2, $"| FlatIndex (no store) | flat | {Median(times[3]):F2} | {Median(times[1]) / Median(times[3]):F2} | 1.00 | — | — | the store's flat top {Top} on {Queries}/{Queries} queries |");
            md.AppendLine(c2, $"| Simil.VectorData | flat | {Median(times[0]):F2} | {Median(times[1]) / Median(times[0]):F2} | {Median(times[0]) / Median(times[3]):F2} | {flatUpsert:F1} | {Median(single[0]):F2} / {P99(single[0]):F2} ({single[0].Length}) | same top {Top} (ids, order) on {same}/{Queries} queries |");
            md.AppendLine(c2, $"| Simil.VectorData | hnsw | {Median(times[2]):F2} | {Median(times[1]) / Median(times[2]):F2} | {Median(times[2]) / Median(times[3]):F2} | {graphUpsert:F1} | {Median(single[1]):F2} / {P99(single[1]):F2} ({single[1].Length}) | recall@{Top} {(double)graphHits / (Queries * Top):F4} |");
            var path = ResultsFile.PathFor(repository, $"vectordata-{rows / 1000}k");
            ResultsFile.Write(path, md.ToString());
            Console.WriteLine(md);
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
