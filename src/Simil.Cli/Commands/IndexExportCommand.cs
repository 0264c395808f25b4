using System.CommandLine;
using Simil.Postgres;

namespace Simil.Cli.Commands;

/// <summary><c>simil index export FILE.simil postgres://…</c>: an index's rows and keys into a table, and the matching pgvector index.</summary>
static class IndexExportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "An index file." };
        var target = new Argument<string>("TARGET") { Description = "postgres://USER@HOST:PORT/DATABASE?table=T&column=C[&key=K]: the table (created when missing) and its vector column." };
        var createIndex = new Option<string?>("--create-index") { Description = "Then build a pgvector index, hnsw or ivfflat, whose operator class matches the index's metric." };
        var distributeBy = new Option<string?>("--distribute-by") { Description = "On a Citus coordinator: distribute the new table by this column (the key column) over the workers, in the same transaction as the COPY." };
        var shards = new Option<int?>("--shards") { Description = "With --distribute-by: the number of shards (default: Citus's citus.shard_count, 32)." };
        var command = new Command("export", "Copy an index's rows (and keys) into a PostgreSQL table by binary COPY, in one transaction.")
        {
            file, target, createIndex, distributeBy, shards,
        };
        command.SetAction((parse, token) =>
        {
            string path = parse.GetValue(file)!, uri = parse.GetValue(target)!;
            if (!PostgresSource.IsUri(uri))
                throw new InputException(uri, "not a PostgreSQL URI; expected postgres://USER@HOST:PORT/DATABASE?table=T&column=C");
            var destination = PostgresSource.Parse(uri);
            // An index file's rows as they are mapped, or a collection's live rows (ids as keys).
            EmbeddingMatrix rows;
            Metric metric;
            if (Collections.Collection.IsCollection(path))
            {
                using var collection = Collections.Collection.Open(path);
                (rows, metric) = (collection.LiveRows(), collection.Metric);
            }
            else
            {
                var index = KeyedVectors.OpenIndex(path);   // the map stays open for the rest of the command
                (rows, metric) = (index.Corpus.ToFloat32(), index.Metric);
            }
            var options = new PostgresExportOptions
            {
                IndexMethod = parse.GetValue(createIndex),
                DistributeBy = parse.GetValue(distributeBy),
                Shards = parse.GetValue(shards),
            };
            var result = Rendering.Progress.Run($"copying {rows.Count:N0} rows", 1, "table",
                _ => PostgresExport.Export(rows, metric, destination, options, token));
            Console.Out.WriteLine($"{destination.Display}: {result.Rows:N0} rows × {rows.Dimensions} copied{(result.CreatedTable ? " into a new table" : "")}");
            if (result.Distribution is { } citus)
                Console.Out.WriteLine($"{citus.Kind} table{(citus.DistributionColumn is { } c ? $" by {c}" : "")}: {citus.Shards.Count} shards on {citus.Nodes.Count} nodes ({string.Join(", ", citus.Nodes)})");
            if (result.IndexStatement is { } statement)
                Console.Out.WriteLine(result.Distribution is { Shards.Count: > 0 } d ? $"{statement} (on each of the {d.Shards.Count} shards)" : statement);
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }
}
