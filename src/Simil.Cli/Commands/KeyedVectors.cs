using Simil.IO;
using Simil.Postgres;

namespace Simil.Cli.Commands;

/// <summary>Loading a file of vectors for a command, and looking keys up in it with helpful errors.</summary>
static class KeyedVectors
{
    public static VectorFileContent Load(string file, string? inputFormat, bool keepFloat64 = false)
    {
        var options = new VectorReadOptions
        {
            Format = inputFormat is null ? null : VectorFileFormats.Parse(inputFormat, "--input-format"),
            KeepFloat64 = keepFloat64,
            // Any size: a float32 .npy is read in place through a map, larger conversions into native memory.
            Map = true,
            MaxValues = MaxValues,
            IdField = Fields.Id,
            TextField = Fields.Text,
        };
        var content = VectorFile.Read(file, options);
        foreach (var warning in content.Warnings)
            Console.Error.WriteLine($"simil: warning: {warning}");
        return content;
    }

    /// <summary>The fields (JSON Lines) or header columns (CSV/TSV) of ids and texts: --id-field and --text-field, on every command.</summary>
    public static (string? Id, string? Text) Fields { get; set; }

    /// <summary>
    /// The most values read as one block before a reader switches to native memory by rows:
    /// <see cref="Array.MaxLength"/>, or SIMIL_MAX_VALUES, which the tests lower to take the
    /// large-file path on small files.
    /// </summary>
    static long MaxValues { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("SIMIL_MAX_VALUES"), out long max) && max > 0 ? max : Array.MaxLength;

    /// <summary>
    /// The file's vectors, or its texts embedded by the model (with a progress bar on a terminal)
    /// after <paramref name="prompt"/> (null: the generator's document prompt; queries pass the resolver's query prompt).
    /// </summary>
    public static EmbeddingMatrix LoadOrEmbed(string file, string? inputFormat, Func<Simil.Embeddings.LocalEmbeddingGenerator> generator,
        CancellationToken token, bool keepFloat64 = false, string? prompt = null) =>
        PostgresSource.IsUri(file) ? ReadTable(file, inputFormat, token)
        : inputFormat is null && Collections.Collection.IsCollection(file) ? CollectionRows(file).Rows
        : inputFormat is null && VectorIndex.IsIndexFile(file) ? OpenIndex(file).Corpus : VectorsOf(Load(file, inputFormat, keepFloat64), generator, token, prompt);

    /// <summary>
    /// A <c>postgres://</c> source's rows, streamed by binary COPY (docs/postgres.md), with a
    /// progress line on a terminal; the source is named without its password.
    /// </summary>
    public static EmbeddingMatrix ReadTable(string uri, string? inputFormat, CancellationToken token) => ReadTableRows(uri, inputFormat, token).Rows;

    /// <summary>A <c>postgres://</c> source's rows and, with <c>columns=</c>, each row's metadata (those columns as one JSON object).</summary>
    public static (EmbeddingMatrix Rows, IReadOnlyList<string>? Metadata) ReadTableRows(string uri, string? inputFormat, CancellationToken token)
    {
        var source = PostgresSource.Parse(uri);
        if (inputFormat is not null)
            throw new InputException("--input-format", $"describes files; {source.Display} is a table");
        return Rendering.Progress.Run($"reading {source.Table}.{source.Column}", 1, "table", _ => PostgresReader.ReadWithMetadata(source, token));
    }

    /// <summary>A collection's live rows (ids as keys) and its model: how commands that read whole files read a collection folder.</summary>
    public static (EmbeddingMatrix Rows, string? Model) CollectionRows(string folder)
    {
        using var collection = Collections.Collection.Open(folder);
        return (collection.LiveRows(), collection.Model);
    }

    /// <summary>
    /// An index file, mapped and verified once per file identity (every checksum the first time this
    /// file is met; <c>docs/index-format.md</c>): a damaged file is one error, exit 2, not a wrong
    /// answer, and a query costs what it reads. The map stays open for the rest of the command.
    /// </summary>
    public static VectorIndex OpenIndex(string file)
    {
        if (Collections.Collection.IsCollection(file))
            throw new InputException(file, "is a collection (a folder); change it with simil index upsert and delete, or compact it and use its segment");
        var index = VectorIndex.Open(file);
        try
        {
            index.VerifyOnce();
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>The content's vectors, or its texts embedded by the model after <paramref name="prompt"/> (null: the generator's document prompt).</summary>
    public static EmbeddingMatrix VectorsOf(VectorFileContent content, Func<Simil.Embeddings.LocalEmbeddingGenerator> generator, CancellationToken token, string? prompt = null)
    {
        if (content.Vectors is { } vectors)
            return vectors;
        var texts = content.Texts!;
        var embedded = Rendering.Progress.Run($"embedding {texts.Count:N0} texts", texts.Count, "texts", progress => generator().EmbedMatrix(texts, progress, token, prompt));
        // Texts with ids (a JSON Lines id field, a CSV id column) are keyed by them, not by the texts.
        return content.TextIds is { } ids ? embedded.WithKeys(ids) : embedded;
    }

    /// <summary>A file that must hold keyed vectors (word2vec, GloVe, fastText, JSON Lines with ids).</summary>
    public static EmbeddingMatrix LoadKeyed(string file, string? inputFormat)
    {
        if (PostgresSource.IsUri(file))
            return ReadTable(file, inputFormat, CancellationToken.None) is { Keys: not null } rows ? rows
                : throw new InputException($"{PostgresSource.Parse(file).Display}: --vectors needs keyed rows; add key=COLUMN to the URI");
        if (inputFormat is null && Collections.Collection.IsCollection(file))
            return CollectionRows(file).Rows;
        if (inputFormat is null && VectorIndex.IsIndexFile(file))
            return OpenIndex(file).Corpus is { Keys: not null } keyed ? keyed
                : throw new InputException(file, "the index's rows have no keys; --vectors needs keyed vectors");
        var content = Load(file, inputFormat);
        if (content.Vectors is not { Keys: not null } matrix)
            throw new InputException(file, $"holds {(content.Texts is not null ? "texts" : "vectors without keys")}; --vectors needs keyed vectors such as word2vec or GloVe");
        return matrix;
    }

    /// <summary>The row of <paramref name="key"/>; a missing key names the file, its size and the nearest spellings.</summary>
    public static int Row(EmbeddingMatrix matrix, string file, string key)
    {
        int row = matrix.IndexOf(key);
        if (row >= 0)
            return row;
        var nearest = matrix.Keys is null ? [] : KeySuggestions.Nearest(matrix.Keys, key);
        throw new InputException(file, $"'{key}' is not among its {matrix.Count:N0} keys ({matrix.Dimensions} dimensions); " +
            (nearest.Count > 0 ? $"nearest spellings: {string.Join(", ", nearest)}" : "no key is spelled like it"));
    }

    /// <summary>
    /// Rows to search or explain, and how queries meet them (<see cref="Simil.Embeddings.QueryResolver"/>):
    /// an index file's rows with the model recorded in it; a table's or a vector file's rows with no
    /// recorded model; a file of texts embedded now by the model asked for (else the default), which
    /// then embeds text queries too.
    /// </summary>
    public static (EmbeddingMatrix Rows, Simil.Embeddings.QueryResolver Queries) LoadRows(string file, string? inputFormat, string? requestedModel, CancellationToken token)
    {
        if (PostgresSource.IsUri(file))
        {
            var resolver = Models.Resolver(PostgresSource.Parse(file).Display, null, requestedModel);
            return (ReadTable(file, inputFormat, token), resolver);
        }
        if (inputFormat is null && Collections.Collection.IsCollection(file))
        {
            var (live, model) = CollectionRows(file);
            return (live, Models.Resolver(file, model, requestedModel));
        }
        if (inputFormat is null && VectorIndex.IsIndexFile(file))
        {
            var index = OpenIndex(file);
            return (index.Corpus, Models.Resolver(file, index.Model, requestedModel, index.DocumentPrompt));
        }
        var content = Load(file, inputFormat);
        if (content.Vectors is { } vectors)
            return (vectors, Models.Resolver(file, null, requestedModel));
        var embedding = Models.Resolver(file, requestedModel ?? Simil.Embeddings.EmbeddingModels.Default, requestedModel);
        return (VectorsOf(content, () => embedding.Generator, token), embedding);
    }
}
