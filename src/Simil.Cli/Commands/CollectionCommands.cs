using System.CommandLine;
using Simil.Collections;
using Simil.Filters;
using Simil.IO;

namespace Simil.Cli.Commands;

/// <summary>
/// <c>simil index upsert|delete|get|compact COLL</c>: a collection folder (docs/collection-format.md)
/// changed in place, one durable write at a time, under the collection's lock.
/// </summary>
static class CollectionCommands
{
    /// <summary>Rows written as one log record (one atomic write) by <c>index upsert</c>.</summary>
    const int Batch = 10_000;

    public static Command Upsert()
    {
        var collection = new Argument<string>("COLL") { Description = "The collection (a folder made by simil index build --out FOLDER)." };
        var input = new Argument<string>("INPUT") { Description = "Rows with ids: keyed vectors (word2vec, JSON Lines, CSV with a header …), or texts with ids (JSON Lines, CSV) embedded by the collection's model; other fields become metadata." };
        var inputFormat = new Option<string?>("--input-format") { Description = $"INPUT's format when content and extension do not say: {VectorFileFormats.ValidNames}." };
        var model = ModelOption.ForQueries();
        var command = new Command("upsert", $"Add INPUT's rows to a collection, each replacing the row of its id; every {Batch:N0} rows are one durable, atomic write.")
        {
            collection, input, inputFormat, model,
        };
        command.SetAction((parse, token) =>
        {
            string path = parse.GetValue(collection)!, file = parse.GetValue(input)!;
            using var writer = OpenWriter(path);
            var rows = Rows(file, parse.GetValue(inputFormat), path, writer.State.Model, parse.GetValue(model), requireIds: true, token);
            int replaced = 0;
            for (int start = 0; start < rows.Count; start += Batch)
                replaced += Cli.Setting(file, () => writer.Upsert(rows.Skip(start).Take(Batch).ToList()));
            Console.Out.WriteLine($"{path}: {Rows(rows.Count)} upserted ({replaced:N0} replaced); {Rows(writer.State.Count)} live");
            WarnFlush(writer);
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }

    public static Command Delete()
    {
        var collection = new Argument<string>("COLL") { Description = "The collection." };
        var ids = new Option<string[]>("--id") { Description = "The ids of the rows to delete.", AllowMultipleArgumentsPerToken = true };
        var where = WhereOption("Delete every row whose metadata matches this filter");
        var command = new Command("delete", "Delete rows of a collection by id or by a metadata filter, as one durable write.")
        {
            collection, ids, where,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(collection)!;
            var idList = parse.GetValue(ids) ?? [];
            var filter = parse.GetValue(where) is { } w ? Filter.Parse(w) : null;
            if ((idList.Length > 0) == (filter is not null))
                throw new InputException("give exactly one of --id and --where");
            using var writer = OpenWriter(path);
            int deleted = filter is null ? writer.Delete(idList) : writer.DeleteWhere(filter);
            Console.Out.WriteLine($"{path}: {Rows(deleted)} deleted; {Rows(writer.State.Count)} live");
            WarnFlush(writer);
            return Cli.Ok;
        });
        return command;
    }

    public static Command Get()
    {
        var collection = new Argument<string>("COLL") { Description = "The collection (or an index file)." };
        var id = new Argument<string>("ID") { Description = "The row's id." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document: id, text, metadata and the whole vector." };
        var command = new Command("get", "Print one row of a collection by id: its text, metadata and vector.")
        {
            collection, id, json,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(collection)!;
            using var snapshot = Collection.Open(path);
            var row = snapshot.Get(parse.GetValue(id)!) ?? throw new InputException(path, $"no live row has the id '{parse.GetValue(id)}'");
            Rendering.CollectionRenderer.WriteRow(parse.GetValue(json), row);
            return Cli.Ok;
        });
        return command;
    }

    public static Command Compact()
    {
        var collection = new Argument<string>("COLL") { Description = "The collection." };
        var command = new Command("compact", "Merge a collection's segments and log into one segment of its live rows (readers keep working).")
        {
            collection,
        };
        command.SetAction((parse, token) =>
        {
            string path = parse.GetValue(collection)!;
            using var writer = OpenWriter(path);
            long before = writer.State.Segments.Count, deleted = writer.State.Deleted;
            Rendering.Progress.Run("compacting", 1, "collection", _ => { writer.Compact(token); return 0; });
            Console.Out.WriteLine($"{path}: {before:N0} segment{(before == 1 ? "" : "s")} and {deleted:N0} deleted rows → {writer.State.Segments.Count} segment of {writer.State.Count:N0} rows");
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }

    /// <summary>The write landed (in the log), but writing the log out as a segment could not: said, not an error.</summary>
    static void WarnFlush(CollectionWriter writer)
    {
        if (writer.FlushFailure is { } why)
            Console.Error.WriteLine($"simil: warning: {why}; the rows are safe in the log, and the next write or simil index compact writes them as a segment");
    }

    static string Rows(long n) => $"{n:N0} row{(n == 1 ? "" : "s")}";

    /// <summary>The <c>--where</c> option: a MongoDB/Chroma-style JSON filter on the metadata.</summary>
    public static Option<string?> WhereOption(string what) => new("--where")
    {
        Description = $"{what}: JSON such as '{{\"lang\":\"pt\",\"year\":{{\"$gte\":2015}}}}' ($eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not).",
    };

    static CollectionWriter OpenWriter(string path) =>
        File.Exists(path)
            ? throw new InputException(path, $"is a single index file, which cannot change; make a collection from it: simil index build {path} --out FOLDER")
            : CollectionWriter.Open(path, TimeSpan.FromMinutes(10), () => Console.Error.WriteLine($"simil: waiting for another writer of {path}"));

    /// <summary>
    /// A file's rows as collection rows: vectors keyed by their ids, or texts embedded by the model
    /// (the collection's, which a named one must match), with their ids, texts and other fields.
    /// </summary>
    public static List<CollectionRow> Rows(string file, string? inputFormat, string data, string? recordedModel, string? requestedModel, bool requireIds,
        CancellationToken token)
    {
        if (Postgres.PostgresSource.IsUri(file))
        {
            // A table's rows: key= gives the ids, columns= the metadata (docs/postgres.md).
            var (table, metadata) = KeyedVectors.ReadTableRows(file, inputFormat, token);
            string display = Postgres.PostgresSource.Parse(file).Display;
            if (recordedModel is not null)
                throw new InputException(display, $"holds vectors, but {data} was built from texts by {recordedModel}; add texts with ids");
            if (table.Keys is null && requireIds)
                throw new InputException(display, "its rows have no ids; add key=COLUMN (a column unique among the rows)");
            if (table.Keys is { } tableKeys && tableKeys.Distinct(StringComparer.Ordinal).Count() != tableKeys.Count)
                throw new InputException(display, "key= repeats among the rows; every row of a collection has its own id");
            var tableRows = new List<CollectionRow>(table.Count);
            for (int r = 0; r < table.Count; r++)
                tableRows.Add(new CollectionRow(table.Keys?[r] ?? r.ToString(System.Globalization.CultureInfo.InvariantCulture), table[r].ToArray(),
                    metadata?[r] is { Length: > 2 } m ? m : null));
            return tableRows;
        }
        var content = KeyedVectors.Load(file, inputFormat);
        if (content.Vectors is { } vectors)
        {
            if (recordedModel is not null)
                throw new InputException(file, $"holds vectors, but {data} was built from texts by {recordedModel}; add texts with ids");
            if (vectors.Keys is null && requireIds)
                throw new InputException(file, "its vectors have no ids; give keyed vectors (word2vec, JSON Lines with \"id\", CSV with an id column)");
            var rows = new List<CollectionRow>(vectors.Count);
            for (int r = 0; r < vectors.Count; r++)
                rows.Add(new CollectionRow(vectors.Keys?[r] ?? r.ToString(System.Globalization.CultureInfo.InvariantCulture), vectors[r].ToArray(),
                    content.Fields?[r] is { Length: > 2 } m ? m : null));
            return rows;
        }
        if (recordedModel is null && requestedModel is null)
            throw new InputException(file, $"holds texts, but {data} was built from vectors (no model); add vectors");
        using var resolver = Models.Resolver(data, recordedModel, requestedModel);
        var embedded = KeyedVectors.VectorsOf(content, () => resolver.Generator, token);
        var ids = content.TextKeys!;
        var result = new List<CollectionRow>(embedded.Count);
        for (int r = 0; r < embedded.Count; r++)
            result.Add(new CollectionRow(ids[r], embedded[r].ToArray(), content.Fields?[r] is { Length: > 2 } m ? m : null, content.Texts![r]));
        return result;
    }
}
