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
        var corpus = new Argument<string>("CORPUS") { Description = "The rows to search: an index file (.simil), a collection folder, a vector file, or texts to embed." };
        var query = new Option<string?>("--query", "-q") { Description = "A literal vector \"[1, 2, 3]\", a key of the corpus, or a text to embed." };
        var queries = new Option<string?>("--queries") { Description = "A file of queries: vectors, or texts to embed." };
        var k = TopOption.Create("How many neighbours per query.");
        var metric = new Option<string>("--metric", "-m") { Description = $"The measure: {MetricInfo.ValidNames}.", DefaultValueFactory = _ => "cosine" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line per query." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"The files' format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var ef = new Option<int?>("--ef") { Description = $"An hnsw index: candidates the graph proposes per query, at least k (default max({HnswIndex.DefaultEf}, k))." };
        var exact = new Option<bool>("--exact") { Description = "An hnsw index: scan every stored vector instead of the graph." };
        var oversample = new Option<int?>("--oversample") { Description = "A compressed index: candidates per result taken by the codes and rescored in float32 (default: 2 for float16, bfloat16 and int8, 16 for binary)." };
        var model = ModelOption.ForQueries();
        var group = new Option<bool>("--group-by-document")
        {
            Description = "An index built with --chunk: return each document once, at its best chunk (exact on a flat index: k × the most chunks of a document are searched).",
        };
        var where = CollectionCommands.WhereOption("A collection or index file: only rows whose metadata matches this filter (applied inside the search)");
        var command = new Command("search", "Find the k nearest rows of CORPUS for a query or for every query of a file: exact, or through an index file's graph.")
        {
            corpus, query, queries, k, metric, json, inputFormat, model, ef, exact, oversample, where, group,
        };
        command.SetAction((parse, token) =>
        {
            // What every search checks first, index file or not: one way to give queries, a usable k, a known metric.
            if ((parse.GetValue(query) is null) == (parse.GetValue(queries) is null))
                throw new InputException("give exactly one of --query and --queries");
            var measure = MetricList.One(parse.GetValue(metric));
            string file = parse.GetValue(corpus)!;
            bool isIndex = parse.GetValue(inputFormat) is null && VectorIndex.IsIndexFile(file);
            if (parse.GetValue(group) && (!isIndex || parse.GetValue(where) is not null))
                throw new InputException($"{file}: --group-by-document applies to one index file built with --chunk, without --where");
            if (Collections.Collection.IsCollection(file) || (isIndex && parse.GetValue(where) is not null))
            {
                if (parse.GetValue(oversample) is not null)
                    throw new InputException($"{file}: --oversample applies to searching one compressed index file without --where; a collection's segments use their default");
                return Task.FromResult(RunCollection(file, parse.GetValue(query), parse.GetValue(queries), parse.GetValue(k), parse.GetValue(json), parse.GetValue(ef),
                    parse.GetValue(exact), parse.GetValue(where), parse.GetResult(metric) is { Implicit: false } ? measure : null, parse.GetValue(model), token));
            }
            if (parse.GetValue(where) is not null)
                throw new InputException($"{file}: --where filters the metadata of a collection or index file (simil index build); a vector file has none");
            if (!isIndex && (parse.GetValue(ef) is not null || parse.GetValue(exact) || parse.GetValue(oversample) is not null))
                throw new InputException($"{file}: --ef, --exact and --oversample apply to index files (simil index build); this search is already an exact scan");
            if (isIndex)
            {
                using var index = KeyedVectors.OpenIndex(file);
                using var queriesOfIndex = Models.Resolver(file, index.Model, parse.GetValue(model), index.DocumentPrompt);
                return Task.FromResult(RunIndex(index, file, parse.GetValue(query), parse.GetValue(queries), parse.GetValue(k), parse.GetValue(json), parse.GetValue(ef),
                    parse.GetValue(exact), parse.GetValue(oversample), parse.GetResult(metric) is { Implicit: false } ? measure : null, queriesOfIndex, parse.GetValue(group), token));
            }
            var (rows, resolver) = KeyedVectors.LoadRows(file, parse.GetValue(inputFormat), parse.GetValue(model), token);
            using (resolver)
                return Task.FromResult(Run(file, rows, parse.GetValue(query), parse.GetValue(queries), parse.GetValue(k), measure, parse.GetValue(json),
                    parse.GetValue(inputFormat), resolver, token));
        });
        return command;
    }

    /// <summary>
    /// Search in an index file: its metric and its model (a text query is embedded by the model that
    /// embedded the index, and only the query is embedded); the graph unless --exact.
    /// </summary>
    static int RunIndex(VectorIndex index, string file, string? query, string? queriesFile, int k, bool json, int? ef, bool exact, int? oversample,
        Metric? asked, QueryResolver resolver, bool group, CancellationToken token)
    {
        if (asked is { } given && given != index.Metric)
            throw new InputException("--metric", $"'{given.Name()}' differs from {index.Metric.Name()}, the measure {file} was built for; build another index to rank by it");
        // The library checks the settings against the index (Cli names the flag of a refused one).
        var options = new SearchOptions { K = k, Ef = ef, Exact = exact, Oversample = oversample, GroupByDocument = group };
        options.Check(index);
        if (query is not null)
        {
            var vector = resolver.Vector(query, index.Corpus, token);
            SearchRenderer.Write(json, query, index.Metric, index.Search(vector, options), index.Corpus.Keys);
            return Cli.Ok;
        }
        var batch = KeyedVectors.LoadOrEmbed(queriesFile!, null, () => resolver.Generator, token, prompt: resolver.QueryPrompt);
        if (batch.Dimensions != index.Dimensions)
            throw new InputException($"{queriesFile} has {batch.Dimensions} dimensions but {file} has {index.Dimensions}");
        var results = new Neighbor[batch.Count][];
        if (index is FlatIndex flat && index.Precision == Quantization.Precision.Float32 && !group)
            results = flat.Search(batch, k);
        else
            Parallel.For(0, batch.Count, q => results[q] = index.Search(batch[q], options));
        for (int q = 0; q < results.Length; q++)
            SearchRenderer.Write(json, batch.Keys?[q] ?? q.ToString(System.Globalization.CultureInfo.InvariantCulture), index.Metric, results[q], index.Corpus.Keys);
        return Cli.Ok;
    }

    /// <summary>
    /// Search in a collection (or an index file with a filter): each segment searched with deleted
    /// and filtered-out rows left out inside the search, the log's rows exactly, merged by score.
    /// </summary>
    static int RunCollection(string path, string? query, string? queriesFile, int k, bool json, int? ef, bool exact, string? where, Metric? asked,
        string? requestedModel, CancellationToken token)
    {
        var filter = where is null ? null : Filters.Filter.Parse(where);
        using var collection = Collections.Collection.Open(path);
        if (asked is { } given && given != collection.Metric)
            throw new InputException("--metric", $"'{given.Name()}' differs from {collection.Metric.Name()}, the measure {path} was built for; build another to rank by it");
        if (ef is { } e && e < k)
            throw new InputException("--ef", $"{e} is below k ({k}); the graph must propose at least k candidates");
        using var resolver = Models.Resolver(path, collection.Model, requestedModel);
        if (query is not null)
        {
            var vector = resolver.Vector(query, collection.Dimensions, id => collection.Get(id)?.Vector, token);
            Rendering.CollectionRenderer.WriteHits(json, query, collection.Metric, collection.Search(vector, k, filter, ef, exact));
            return Cli.Ok;
        }
        var batch = KeyedVectors.LoadOrEmbed(queriesFile!, null, () => resolver.Generator, token, prompt: resolver.QueryPrompt);
        if (batch.Dimensions != collection.Dimensions)
            throw new InputException($"{queriesFile} has {batch.Dimensions} dimensions but {path} has {collection.Dimensions}");
        for (int q = 0; q < batch.Count; q++)
            Rendering.CollectionRenderer.WriteHits(json, batch.Keys?[q] ?? q.ToString(System.Globalization.CultureInfo.InvariantCulture), collection.Metric,
                collection.Search(batch[q], k, filter, ef, exact));
        return Cli.Ok;
    }

    static int Run(string corpusFile, EmbeddingMatrix corpus, string? query, string? queriesFile, int k, Metric metric, bool json, string? inputFormat,
        QueryResolver resolver, CancellationToken token)
    {
        var index = new FlatIndex(corpus, metric);
        if (query is not null)
        {
            var vector = resolver.Vector(query, corpus, token);
            SearchRenderer.Write(json, query, metric, index.Search(vector, k), corpus.Keys);
            return Cli.Ok;
        }
        var batch = KeyedVectors.LoadOrEmbed(queriesFile!, inputFormat, () => resolver.Generator, token, prompt: resolver.QueryPrompt);
        if (batch.Dimensions != corpus.Dimensions)
            throw new InputException($"{queriesFile} has {batch.Dimensions} dimensions but {corpusFile} has {corpus.Dimensions}");
        var results = index.Search(batch, k);
        for (int q = 0; q < results.Length; q++)
            SearchRenderer.Write(json, batch.Keys?[q] ?? q.ToString(System.Globalization.CultureInfo.InvariantCulture), metric, results[q], corpus.Keys);
        return Cli.Ok;
    }
}
