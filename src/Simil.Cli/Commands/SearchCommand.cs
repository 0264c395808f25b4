using System.CommandLine;
using Simil.Cli.Rendering;
using Simil.Embeddings;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary><c>simil search CORPUS (--query Q | --queries FILE)</c>: the exact top-k rows for each query.</summary>
static class SearchCommand
{
    public static Command Create()
    {
        var corpus = new Argument<string>("CORPUS") { Description = "The rows to search: a vector file, or texts to embed." };
        var query = new Option<string?>("--query", "-q") { Description = "A literal vector \"[1, 2, 3]\", a key of the corpus, or a text to embed." };
        var queries = new Option<string?>("--queries") { Description = "A file of queries: vectors, or texts to embed." };
        var k = new Option<int>("-k") { Description = "How many neighbours per query.", DefaultValueFactory = _ => 10 };
        var metric = new Option<string>("--metric", "-m") { Description = $"The measure: {MetricInfo.ValidNames}.", DefaultValueFactory = _ => "cosine" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line per query." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The files' format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.Create();
        var command = new Command("search", "Find the exact k nearest rows of CORPUS for a query or for every query of a file.")
        {
            corpus, query, queries, k, metric, json, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            MiniLmEmbeddingGenerator? generator = null;
            try
            {
                return Task.FromResult(Run(parse.GetValue(corpus)!, parse.GetValue(query), parse.GetValue(queries), parse.GetValue(k),
                    parse.GetValue(metric)!, parse.GetValue(json), parse.GetValue(inputFormat), parse.GetValue(model)!,
                    () => generator ??= EmbeddingModels.Create(parse.GetValue(model)!), token));
            }
            finally
            {
                generator?.Dispose();
            }
        });
        return command;
    }

    static int Run(string corpusFile, string? query, string? queriesFile, int k, string metricName, bool json, string? inputFormat,
        string model, Func<MiniLmEmbeddingGenerator> generator, CancellationToken token)
    {
        if ((query is null) == (queriesFile is null))
            throw new InputException("give exactly one of --query and --queries");
        if (k < 0)
            throw new InputException($"-k: {k} is negative");
        if (!MetricInfo.TryParse(metricName, out var metric))
            throw new InputException($"--metric: unknown metric '{metricName}'; valid metrics: {MetricInfo.ValidNames}");
        _ = EmbeddingModels.Dimensions(model);   // an unknown model is bad input before any file is read

        var corpus = KeyedVectors.LoadOrEmbed(corpusFile, inputFormat, generator, token);
        var index = new FlatIndex(corpus, metric);
        if (query is not null)
        {
            var vector = KeyedVectors.QueryVector(query, corpus, corpusFile, generator, token);
            SearchRenderer.Write(json, query, metric, index.Search(vector, k), corpus.Keys);
            return Cli.Ok;
        }
        var batch = KeyedVectors.LoadOrEmbed(queriesFile!, inputFormat, generator, token);
        if (batch.Dimensions != corpus.Dimensions)
            throw new InputException($"{queriesFile} has {batch.Dimensions} dimensions but {corpusFile} has {corpus.Dimensions}");
        var results = index.Search(batch, k);
        for (int q = 0; q < results.Length; q++)
            SearchRenderer.Write(json, batch.Keys?[q] ?? q.ToString(System.Globalization.CultureInfo.InvariantCulture), metric, results[q], corpus.Keys);
        return Cli.Ok;
    }
}
