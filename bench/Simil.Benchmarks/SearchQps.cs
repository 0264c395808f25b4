using System.Diagnostics;
using System.Globalization;
using Simil.Collections;

namespace Simil.Benchmarks;

/// <summary>
/// In-process search throughput on a collection, the baseline of <c>bench/serve-load.sh</c>:
/// THREADS threads search the queries of a float32 <c>.npy</c> (k 10, default ef) round robin for
/// SECONDS, as the server's connections would; prints one line: QPS, p50 and p99 in ms.
/// <c>search-qps COLLECTION QUERIES.npy THREADS SECONDS</c>.
/// </summary>
static class SearchQps
{
    public static int Run(string[] args)
    {
        using var collection = Collection.Open(args[1]);
        var queries = IO.VectorFile.Read(args[2]).Vectors!;
        int threads = int.Parse(args[3], CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture));
        for (int q = 0; q < Math.Min(queries.Count, 50); q++)
            collection.Search(queries[q], 10);   // warm the map and the code
        var latencies = new List<double>[threads];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = latencies[t] = [];
            for (int i = t; clock.Elapsed < duration; i += threads)
            {
                long start = Stopwatch.GetTimestamp();
                collection.Search(queries[i % queries.Count], 10);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        });
        double seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{all.Count / seconds:F0} {all[all.Count / 2]:F3} {all[(int)(all.Count * 0.99)]:F3}"));
        return 0;
    }
}
