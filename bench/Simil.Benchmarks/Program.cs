using BenchmarkDotNet.Running;
using Simil.Benchmarks;

if (args.Length > 0 && args[0] == "check")
    return PeerCheck.Run();
if (args.Length > 0 && args[0] == "search")
    return SearchThroughput.Run(FindRepository());
if (args.Length > 0 && args[0] == "load")
    return LoadThroughput.Run(FindRepository());
if (args.Length > 0 && args[0] == "matrix")
    return MatrixThroughput.Run(FindRepository());
if (args.Length > 0 && args[0] == "embed")
    return EmbedThroughput.Run(FindRepository());
if (args.Length > 0 && args[0] == "prompt-retrieval")
    return PromptRetrieval.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "embed-peers")
    return EmbedPeers.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "index")
    return IndexThroughput.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "vectordata")
    return await VectorDataThroughput.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "compressed")
    return CompressedThroughput.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "citus")
    return CitusThroughput.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "postgres")
    return PostgresThroughput.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "collections")
    return CollectionThroughput.Run(FindRepository(), args);
if (args.Length > 1 && args[0] == "results-path")
{
    // Where a results file of this CPU model goes (scripts name their results so).
    Console.WriteLine(ResultsFile.PathFor(FindRepository(), args[1]));
    return 0;
}
if (args.Length > 0 && args[0] == "search-qps")
    return SearchQps.Run(args);
if (args.Length > 0 && args[0] == "collections-recall")
    return DeleteRecall.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "collections-pgvector")
    return FilteredPgvector.Run(FindRepository(), args);
if (args.Length > 0 && args[0] == "interleaved")
    return InterleavedRun.Run(Path.Combine(FindRepository(), "bench", "results"));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(KernelBenchmarks).Assembly).Run(args);
foreach (var summary in summaries)
    if (summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(KernelBenchmarks)))
        KernelReport.Write(summary, Path.Combine(FindRepository(), "bench", "results"));
return 0;

static string FindRepository()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simil.slnx")))
        dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}
