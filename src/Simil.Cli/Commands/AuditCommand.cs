using System.CommandLine;
using Simil.Postgres;

namespace Simil.Cli.Commands;

/// <summary>
/// <c>simil audit postgres://…</c>: the database's top k (through its index) against Simil's
/// exact top k of the same rows — recall, score error, the search setting that reaches 0.95 and
/// 0.99, and the operator class beside the measure advise recommends (docs/postgres.md).
/// </summary>
static class AuditCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE") { Description = "postgres://USER@HOST:PORT/DATABASE?table=T&column=C[&key=K][&where=…] (password from PGPASSWORD or .pgpass)." };
        var queries = new Option<string?>("--queries") { Description = "Query vectors (any format simil reads); default: a sample of the table's own rows." };
        var sample = new Option<int>("--sample") { Description = "How many of the table's rows to ask as queries when --queries is not given (seeded).", DefaultValueFactory = _ => 100 };
        var k = TopOption.Create("How many neighbours per query.");
        var seed = new Option<int>("--seed") { Description = "Seed of the sample.", DefaultValueFactory = _ => 42 };
        var json = new Option<bool>("--json") { Description = "Print one JSON document." };
        var model = ModelOption.ForQueries();
        var command = new Command("audit", "Check a pgvector column's index: recall@k of the database's answers against Simil's exact search, the ef_search/probes that reach 0.95 and 0.99, and whether its measure is the advised one.")
        {
            source, queries, sample, k, seed, json, model,
        };
        command.SetAction((parse, token) =>
        {
            string uri = parse.GetValue(source)!;
            if (!PostgresSource.IsUri(uri))
                throw new InputException(uri, "audit reads a PostgreSQL table: give postgres://USER@HOST:PORT/DATABASE?table=T&column=C");
            if (parse.GetValue(sample) < 1)
                throw new InputException($"--sample: {parse.GetValue(sample)} is below 1");
            var parsed = PostgresSource.Parse(uri);
            EmbeddingMatrix? given = null;
            if (parse.GetValue(queries) is { } file)
            {
                // A table records no model: texts are embedded by --model, else the default with a note.
                using var resolver = Models.Resolver(parsed.Display, null, parse.GetValue(model));
                given = KeyedVectors.LoadOrEmbed(file, null, () => resolver.Generator, token, prompt: resolver.QueryPrompt).ToFloat32();
                if (given.Count == 0)
                    throw new InputException(file, "holds no queries");
            }
            var report = Rendering.Progress.Run($"auditing {parsed.Table}.{parsed.Column}", 1, "audit",
                _ => PostgresAudit.Run(parsed, given, parse.GetValue(sample), parse.GetValue(k), parse.GetValue(seed), token));
            if (parse.GetValue(json))
                Rendering.AuditRenderer.WriteJson(report);
            else
                Rendering.AuditRenderer.WriteText(report);
            return Task.FromResult(Cli.Ok);
        });
        return command;
    }
}
