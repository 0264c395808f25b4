using System.CommandLine;
using Simil.Cli;
using Simil.Cli.Commands;

var root = new RootCommand("simil: measure how similar embeddings are (dot product, cosine similarity, squared L2 and more), exactly and fast.")
{
    CompareCommand.Create(),
    EmbedCommand.Create(),
    MatrixCommand.Create(),
    SearchCommand.Create(),
    IndexCommand.Create(),
    QuantizeCommand.Create(),
    NeighborsCommand.Create(),
    EvaluateCommand.Create(),
    ExplainCommand.Create(),
    AdviseCommand.Create(),
    AuditCommand.Create(),
};
return Cli.Run(root, args);
