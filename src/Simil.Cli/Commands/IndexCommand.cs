using System.CommandLine;
using Simil.Embeddings;
using Simil.IO;
using Simil.Quantization;

namespace Simil.Cli.Commands;

/// <summary><c>simil index build|add|info|verify</c>: collections built once, searched many times (<c>docs/index-format.md</c>).</summary>
static class IndexCommand
{
    public static Command Create() => new("index", "Build, extend, describe and check index files (.simil, written once) and collections (folders changed in place by upsert, delete and compact).")
    {
        Build(), Add(), Info(), Verify(), IndexExportCommand.Create(),
        CollectionCommands.Upsert(), CollectionCommands.Delete(), CollectionCommands.Get(), CollectionCommands.Compact(),
    };

    static Command Build()
    {
        var input = new Argument<string>("INPUT") { Description = "Vectors (any format simil reads), or texts to embed, one per line." };
        var output = new Option<string>("--out", "-o") { Description = "A .simil path: one index file (replaced atomically); any other path: a collection folder (created; must be new or empty) that index upsert and delete change in place.", Required = true };
        var metric = new Option<string>("--metric", "-m") { Description = $"The measure: {MetricInfo.ValidNames}.", DefaultValueFactory = _ => "cosine" };
        var kind = new Option<string>("--kind") { Description = "flat (exact scan) or hnsw (graph, approximate candidates, exact scores).", DefaultValueFactory = _ => "flat" };
        var precision = new Option<string>("--precision") { Description = "How the rows are stored and searched: float32, float16, bfloat16, int8 or binary (candidates by the codes, then rescored in float32).", DefaultValueFactory = _ => "float32" };
        var rescore = new Option<bool>("--rescore") { Description = "Compressed precisions: keep float32 rows too, so that the candidates' scores are exact." };
        var calibration = new Option<string?>("--calibration") { Description = "int8: vectors whose per-dimension min and max set the ranges (default: INPUT's own)." };
        var m = new Option<int>("--m") { Description = "HNSW: links per node (level 0 has twice as many).", DefaultValueFactory = _ => 16 };
        var efConstruction = new Option<int>("--ef-construction") { Description = "HNSW: candidates kept while building.", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "HNSW: seed of the level draws (same seed, same file).", DefaultValueFactory = _ => 42 };
        var inputFormat = new Option<string?>("--input-format") { Description = $"INPUT's format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.Create();
        var chunk = ModelOption.Chunk();
        var overlap = ModelOption.Overlap();
        var flushRows = new Option<int>("--flush-rows") { Description = "A collection: the rows its write-ahead log holds before they become a new segment.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("build", "Index INPUT into one file (--out X.simil) or a collection folder (any other --out): texts are embedded once by the model, vectors are stored as read.")
        {
            input, output, metric, kind, precision, rescore, calibration, m, efConstruction, seed, inputFormat, model, chunk, overlap, flushRows,
        };
        command.SetAction((parse, token) =>
        {
            // Parsing only: the names become library values; the library checks the settings (IndexBuildOptions.Check).
            var measure = MetricList.One(parse.GetValue(metric));
            string kindName = parse.GetValue(kind)!;
            if (!Enum.TryParse<VectorIndexKind>(kindName, ignoreCase: true, out var indexKind) || !Enum.IsDefined(indexKind) || kindName.Any(char.IsDigit))
                throw new InputException($"--kind: '{kindName}' is not an index kind (flat, hnsw)");
            string precisionName = parse.GetValue(precision)!;
            if (!Quantization.Precisions.TryParse(precisionName, out var stored))
                throw new InputException("--precision", $"unknown precision '{precisionName}'; valid precisions: {Quantization.Precisions.ValidNames}");
            var options = new IndexBuildOptions
            {
                Metric = measure, Kind = indexKind, Precision = stored, Rescore = parse.GetValue(rescore),
                M = parse.GetValue(m), EfConstruction = parse.GetValue(efConstruction), Seed = parse.GetValue(seed),
                // Checked before any row is read: a wrong setting costs nothing.
                Ranges = parse.GetValue(calibration) is null ? null : new Quantization.QuantizationRanges([], []),
            };
            options.Check();
            string modelName = parse.GetValue(model)!;
            _ = EmbeddingModels.Dimensions(modelName);
            string path = parse.GetValue(output)!;
            bool single = path.EndsWith(".simil", StringComparison.OrdinalIgnoreCase);
            if (single && parse.GetResult(flushRows) is { Implicit: false })
                throw new InputException($"--flush-rows: applies to a collection (an --out that is not a .simil file); {path} is one index file, which does not change");
            if (!single && parse.GetValue(flushRows) < 1)
                throw new InputException($"--flush-rows: {parse.GetValue(flushRows)} is below 1");
            var (corpus, embeddedBy, prompt, texts, metadata) = Read(parse.GetValue(input)!, parse.GetValue(inputFormat), modelName, parse.GetValue(chunk), parse.GetValue(overlap), token);
            if (!single && corpus.Keys is null)
                corpus = corpus.WithKeys([.. Enumerable.Range(0, corpus.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            if (parse.GetValue(calibration) is { } calibrationFile)
            {
                var sample = KeyedVectors.LoadOrEmbed(calibrationFile, null, () => Models.Create(modelName), token);
                if (sample.Count == 0)
                    throw new InputException(calibrationFile, "has no rows to take ranges from");
                options = options with { Ranges = Quantization.QuantizationRanges.Of(sample) };
            }
            var index = indexKind == VectorIndexKind.Hnsw
                ? Rendering.Progress.Run($"linking {corpus.Count:N0} rows", 1, "graph", _ => VectorIndex.Build(corpus, options, token))
                : VectorIndex.Build(corpus, options, token);
            index.Model = embeddedBy;
            index.DocumentPrompt = prompt;
            index.Texts = texts;
            index.Metadata = metadata;
            if (single)
            {
                index.Save(path);
                VectorIndex.RememberWritten(path);
            }
            else
            {
                Cli.Setting(parse.GetValue(input)!, () => { Collections.CollectionWriter.Create(path, options, index, parse.GetValue(flushRows)); return 0; });
                Console.Out.WriteLine($"{path}: a collection of {index.Count:N0} rows × {index.Dimensions}, {measure.Name()}, {indexKind.ToString().ToLowerInvariant()}");
                return Task.FromResult(Cli.Ok);
            }
            string storedAs = stored == Quantization.Precision.Float32 ? "float32" : $"{stored.Name()}{(parse.GetValue(rescore) ? " + float32 for rescoring" : "")}";
            Console.Out.WriteLine($"{path}: {index.Count:N0} rows × {index.Dimensions}, {measure.Name()}, {indexKind.ToString().ToLowerInvariant()}, {storedAs}, {new FileInfo(path).Length:N0} bytes");
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }

    /// <summary>
    /// The rows of a file, the model that embedded them (null for vectors) and the prompt it put
    /// before them (null: none), and for texts with ids the texts and each row's other fields as
    /// metadata (null where there are none).
    /// </summary>
    static (EmbeddingMatrix Rows, string? Model, string? Prompt, IReadOnlyList<string>? Texts, IReadOnlyList<string>? Metadata) Read(string file, string? inputFormat, string model,
        int? chunk, int overlap, CancellationToken token)
    {
        if (chunk is not null && (Postgres.PostgresSource.IsUri(file) || (inputFormat is null && (Collections.Collection.IsCollection(file) || VectorIndex.IsIndexFile(file)))))
            throw new InputException("--chunk", $"cuts texts to embed; {file} holds vectors");
        if (Postgres.PostgresSource.IsUri(file))
        {
            var (table, tableMetadata) = KeyedVectors.ReadTableRows(file, inputFormat, token);
            return (table, null, null, null, tableMetadata is not null && tableMetadata.Any(f => f.Length > 2) ? [.. tableMetadata.Select(f => f.Length > 2 ? f : "")] : null);
        }
        if (inputFormat is null && Collections.Collection.IsCollection(file))
        {
            // A collection's live rows, whole: ids as keys, its model, texts and metadata (a single index file of it, or a new collection).
            using var collection = Collections.Collection.Open(file);
            var live = collection.Rows().ToList();
            var data = new float[(long)live.Count * collection.Dimensions];
            for (int r = 0; r < live.Count; r++)
                live[r].Vector.CopyTo(data.AsSpan(r * collection.Dimensions, collection.Dimensions));
            return (EmbeddingMatrix.Create(data, collection.Dimensions, [.. live.Select(r => r.Id)]), collection.Model, null,
                live.Any(r => r.Text is not null) ? [.. live.Select(r => r.Text ?? r.Id)] : null,
                live.Any(r => r.Metadata is { Length: > 2 }) ? [.. live.Select(r => r.Metadata is { Length: > 2 } m ? m : "")] : null);
        }
        var content = KeyedVectors.Load(file, inputFormat);
        using var generator = Models.Create(model);
        content = ModelOption.Chunked(content, chunk, overlap, () => generator, file);
        var metadata = content.Fields is { } fields && fields.Any(f => f.Length > 2) ? [.. fields.Select(f => f.Length > 2 ? f : "")] : (IReadOnlyList<string>?)null;
        if (content.Vectors is { } vectors)
            return (vectors, null, null, null, metadata);
        string prompt = generator.DocumentPromptText;
        return (KeyedVectors.VectorsOf(content, () => generator, token, prompt), generator.Name, prompt.Length == 0 ? null : prompt,
            content.TextIds is null ? null : content.Texts, metadata);
    }

    static Command Add()
    {
        var index = new Argument<string>("FILE") { Description = "The index file to extend (replaced atomically)." };
        var input = new Argument<string>("INPUT") { Description = "More rows: vectors for an index of vectors, texts for an index of texts." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"INPUT's format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.ForQueries();
        var command = new Command("add", "Append INPUT's rows to an index: texts are embedded by the index's model; the graph is extended.")
        {
            index, input, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            string path = parse.GetValue(index)!, file = parse.GetValue(input)!;
            if (Collections.Collection.IsCollection(path))
                throw new InputException(path, $"is a collection; add rows to it with simil index upsert {path} {file}");
            using var existing = KeyedVectors.OpenIndex(path);
            var content = Postgres.PostgresSource.IsUri(file) ? null : KeyedVectors.Load(file, parse.GetValue(inputFormat));
            EmbeddingMatrix more;
            if (content is null)
            {
                more = KeyedVectors.ReadTable(file, parse.GetValue(inputFormat), token);
                if (existing.Model is not null)
                    throw new InputException(file, $"holds vectors, but {path} was built from texts by {existing.Model}; add texts (one per line)");
            }
            else if (content.Texts is not null)
            {
                if (existing.Model is null)
                    throw new InputException(file, $"holds texts, but {path} was built from vectors (no model); add vectors of {existing.Dimensions} dimensions");
                using var resolver = Models.Resolver(path, existing.Model, parse.GetValue(model), existing.DocumentPrompt);   // a named model must be the index's
                more = KeyedVectors.VectorsOf(content, () => resolver.Generator, token, resolver.DocumentPrompt);
            }
            else
            {
                more = content.Vectors!;
                if (existing.Model is not null)
                    throw new InputException(file, $"holds vectors, but {path} was built from texts by {existing.Model}; add texts (one per line)");
            }
            // The library checks the rows; the tool names the file they came from.
            var extended = Cli.Setting(file, () => Rendering.Progress.Run($"adding {more.Count:N0} rows", 1, "rows", _ => existing.Append(more, token)));
            extended.Model = existing.Model;
            extended.DocumentPrompt = existing.DocumentPrompt;
            extended.Save(path);
            VectorIndex.RememberWritten(path);
            Console.Out.WriteLine($"{path}: {existing.Count:N0} + {more.Count:N0} = {extended.Count:N0} rows");
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }

    static Command Info()
    {
        var file = new Argument<string>("FILE") { Description = "An index file." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var recall = new Option<int?>("--recall") { Description = "Also measure recall@10 of the index's default search against an exact float32 scan, with this many of its own rows as queries (e.g. 200)." };
        var command = new Command("info", "What an index holds: count, dimensions, metric, kind, model, sizes and build settings (reads the header only, unless --recall).")
        {
            file, json, recall,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(recall) is < 1)
                throw new InputException("--recall", $"{parse.GetValue(recall)} is below 1; give how many rows to sample as queries");
            if (Collections.Collection.IsCollection(parse.GetValue(file)!))
            {
                using var collection = Collections.Collection.Open(parse.GetValue(file)!);
                Rendering.IndexInfoRenderer.WriteCollection(parse.GetValue(json), collection);
                return Cli.Ok;
            }
            using var index = VectorIndex.Open(parse.GetValue(file)!);
            var info = index.Info!;
            var estimate = parse.GetValue(recall) is { } sample ? RecallEstimate.Measure(index, 10, sample) : null;
            if (parse.GetValue(json))
                Rendering.IndexInfoRenderer.WriteJson(info, estimate);
            else
                Rendering.IndexInfoRenderer.WriteTable(parse.GetValue(file)!, info, estimate);
            return Cli.Ok;
        });
        return command;
    }

    static Command Verify()
    {
        var file = new Argument<string>("FILE") { Description = "An index file." };
        var command = new Command("verify", "Read every section of an index file and check its checksum and structure: exit 0, or 2 naming the damaged part.")
        {
            file,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (Collections.Collection.IsCollection(path))
            {
                using var collection = Collections.Collection.Open(path);
                long torn = collection.Verify();
                Console.Out.WriteLine($"{path}: ok — {collection.Count:N0} live rows, {collection.Segments.Count} segment{(collection.Segments.Count == 1 ? "" : "s")}, every checksum matches, {collection.LogRows:N0} rows in the log" +
                    (torn > 0 ? $"; {torn:N0} bytes after its last whole record (a write cut by a crash, never acknowledged; the next write removes them)" : ""));
                return Cli.Ok;
            }
            using var index = VectorIndex.Open(path);
            index.Verify();   // always everything: damage that kept the file's length and time shows here
            Console.Out.WriteLine($"{path}: ok — {index.Count:N0} rows, {index.Info!.Sections.Count} sections, every checksum matches");
            return Cli.Ok;
        });
        return command;
    }
}
