using System.CommandLine;
using Simil.Embeddings;
using Simil.IO;
using Simil.Quantization;

namespace Simil.Cli.Commands;

/// <summary><c>simil index build|add|info|verify</c>: collections built once, searched many times (<c>docs/index-format.md</c>).</summary>
static class IndexCommand
{
    public static Command Create() => new("index", "Build, extend, describe and check index files (.simil): a collection embedded or read once, searched many times.")
    {
        Build(), Add(), Info(), Verify(), IndexExportCommand.Create(),
    };

    static Command Build()
    {
        var input = new Argument<string>("INPUT") { Description = "Vectors (any format simil reads), or texts to embed, one per line." };
        var output = new Option<string>("--out", "-o") { Description = "The index file to write (replaced atomically).", Required = true };
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
        var command = new Command("build", "Index INPUT into one file: texts are embedded once by the model, vectors are stored as read.")
        {
            input, output, metric, kind, precision, rescore, calibration, m, efConstruction, seed, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            if (!MetricInfo.TryParse(parse.GetValue(metric), out var measure))
                throw new InputException($"--metric: unknown metric '{parse.GetValue(metric)}'; valid metrics: {MetricInfo.ValidNames}");
            string kindName = parse.GetValue(kind)!;
            if (kindName is not ("flat" or "hnsw"))
                throw new InputException($"--kind: '{kindName}' is not an index kind (flat, hnsw)");
            string precisionName = parse.GetValue(precision)!;
            if (!Quantization.Precisions.TryParse(precisionName, out var stored))
                throw new InputException("--precision", $"unknown precision '{precisionName}'; valid precisions: {Quantization.Precisions.ValidNames}");
            if (stored is Quantization.Precision.UInt8 or Quantization.Precision.UBinary)
                throw new InputException("--precision", $"an index stores {(stored == Quantization.Precision.UInt8 ? "int8" : "binary")} rather than {precisionName} (the same codes less 128, the same ranking); use that");
            if (stored == Quantization.Precision.Float32 && parse.GetValue(rescore))
                throw new InputException("--rescore", "a float32 index scores every candidate exactly already; --rescore applies to float16, bfloat16, int8 and binary");
            if (stored != Quantization.Precision.Int8 && parse.GetValue(calibration) is not null)
                throw new InputException("--calibration", "sets int8 ranges; other precisions have none");
            if (stored != Quantization.Precision.Float32 && measure is not (Metric.Dot or Metric.NegativeDot or Metric.Cosine or Metric.CosineDistance or Metric.L2Squared or Metric.L2))
                throw new InputException("--metric", $"a compressed index ranks by dot, cosine, l2sq or l2 (or cosine-distance, neg-dot), not {measure.Name()}");
            if (kindName == "hnsw" && measure == Metric.L1)
                throw new InputException("--metric: an hnsw index ranks by dot, cosine, l2sq or l2; use --kind flat for l1");
            if (parse.GetValue(m) is < 2 or > 1024)
                throw new InputException($"--m: {parse.GetValue(m)} is outside 2..1024");
            if (parse.GetValue(efConstruction) < 1)
                throw new InputException($"--ef-construction: {parse.GetValue(efConstruction)} is below 1");
            string modelName = parse.GetValue(model)!;
            _ = EmbeddingModels.Dimensions(modelName);
            var (corpus, embeddedBy) = Read(parse.GetValue(input)!, parse.GetValue(inputFormat), modelName, token);
            Quantization.QuantizationRanges? ranges = null;
            if (parse.GetValue(calibration) is { } calibrationFile)
            {
                var sample = KeyedVectors.LoadOrEmbed(calibrationFile, null, () => Models.Create(modelName), token);
                if (sample.Count > 0 && sample.Dimensions != corpus.Dimensions)
                    throw new InputException(calibrationFile, $"has {sample.Dimensions} dimensions but the rows have {corpus.Dimensions}");
                if (sample.Count == 0)
                    throw new InputException(calibrationFile, "has no rows to take ranges from");
                ranges = Quantization.QuantizationRanges.Of(sample);
            }
            var compression = new IndexCompression(stored, parse.GetValue(rescore), ranges);
            VectorIndex index = kindName == "hnsw"
                ? Rendering.Progress.Run($"linking {corpus.Count:N0} rows", 1, "graph", _ => HnswIndex.Build(corpus, measure,
                    new HnswOptions { M = parse.GetValue(m), EfConstruction = parse.GetValue(efConstruction), Seed = parse.GetValue(seed), Compression = compression }, token))
                : new FlatIndex(corpus, measure, compression);
            index.Model = embeddedBy;
            string path = parse.GetValue(output)!;
            index.Save(path);
            VectorIndex.RememberWritten(path);
            string storedAs = stored == Quantization.Precision.Float32 ? "float32" : $"{stored.Name()}{(parse.GetValue(rescore) ? " + float32 for rescoring" : "")}";
            Console.Out.WriteLine($"{path}: {index.Count:N0} rows × {index.Dimensions}, {measure.Name()}, {kindName}, {storedAs}, {new FileInfo(path).Length:N0} bytes");
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }

    /// <summary>The rows of a file, and the model that embedded them (null for vectors).</summary>
    static (EmbeddingMatrix Rows, string? Model) Read(string file, string? inputFormat, string model, CancellationToken token)
    {
        if (Postgres.PostgresSource.IsUri(file))
            return (KeyedVectors.ReadTable(file, inputFormat, token), null);
        var content = KeyedVectors.Load(file, inputFormat);
        if (content.Vectors is { } vectors)
            return (vectors, null);
        using var generator = Models.Create(model);
        return (KeyedVectors.VectorsOf(content, () => generator, token), generator.Name);
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
                using var resolver = Models.Resolver(path, existing.Model, parse.GetValue(model));   // a named model must be the index's
                more = KeyedVectors.VectorsOf(content, () => resolver.Generator, token);
            }
            else
            {
                more = content.Vectors!;
                if (existing.Model is not null)
                    throw new InputException(file, $"holds vectors, but {path} was built from texts by {existing.Model}; add texts (one per line)");
            }
            if (existing.Count > 0 && more.Count > 0 && more.Dimensions != existing.Dimensions)
                throw new InputException(file, $"has {more.Dimensions} dimensions but {path} has {existing.Dimensions}");
            if (existing.Count > 0 && more.Count > 0 && (existing.Corpus.Keys is null) != (more.Keys is null))
                throw new InputException(file, existing.Corpus.Keys is null ? $"has keys but the rows of {path} have none" : $"has no keys but the rows of {path} have them");
            var extended = Rendering.Progress.Run($"adding {more.Count:N0} rows", 1, "rows", _ => existing.Append(more, token));
            extended.Model = existing.Model;
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
            using var index = VectorIndex.Open(path);
            index.Verify();   // always everything: damage that kept the file's length and time shows here
            Console.Out.WriteLine($"{path}: ok — {index.Count:N0} rows, {index.Info!.Sections.Count} sections, every checksum matches");
            return Cli.Ok;
        });
        return command;
    }
}
