using System.CommandLine;
using Simil.Cli;
using Simil.Cli.Commands;

// Output never follows the user's locale (ICU is loaded for Unicode normalization, not for formats).
System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.DefaultThreadCurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;

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
    ServeCommand.Create(),
    ModelsCommand.Create(),
};
// Every table cuts long keys at the same width; --width sets it (0: whole keys) on any command.
var width = new Option<int>("--width")
{
    Description = "The widest a key is shown in a table before it is cut with … (0: whole keys).",
    DefaultValueFactory = _ => Simil.Cli.Rendering.MatrixRenderer.DefaultKeyWidth,
    Recursive = true,
};
width.Validators.Add(result =>
{
    if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out int w) && w is < 0 or (> 0 and < 4))
        result.AddError($"--width: {w} is not 0 (whole keys) or at least 4");
});
root.Options.Add(width);
// Every command reads JSON Lines and CSV/TSV-with-a-header files the same way: ids and texts by field name.
var idField = new Option<string?>("--id-field")
{
    Description = "The JSON Lines field or CSV/TSV header column that holds each row's id (default: id, else key).",
    Recursive = true,
};
var textField = new Option<string?>("--text-field")
{
    Description = "The JSON Lines field or CSV/TSV header column that holds each row's text to embed (default: text).",
    Recursive = true,
};
root.Options.Add(idField);
root.Options.Add(textField);
// Every command that embeds texts (every command with --model) takes a prompt by name or as text.
var prompt = new Option<string?>("--prompt")
{
    Description = "Put the model's prompt of this name (its config_sentence_transformers.json: query, passage, document…) before every text this command embeds. " +
        "Default: texts to store or compare take the model's default prompt (an index's rows: the prompt it was built with); a text query to an index takes the model's query prompt, else the index's.",
    HelpName = "NAME",
};
var promptText = new Option<string?>("--prompt-text")
{
    Description = "Put this text before every text this command embeds (\"query: \" for e5 models), instead of a named prompt.",
    HelpName = "TEXT",
};
foreach (var command in Commands(root).Where(c => c.Options.Any(o => o.Name == "--model")))
{
    command.Options.Add(prompt);
    command.Options.Add(promptText);
}
static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);
return Cli.Run(root, args, parse =>
{
    Models.Prompt = Simil.Embeddings.PromptChoice.Of(parse.GetValue(prompt), parse.GetValue(promptText));
    // A model named by its hub repository is fetched first, with a progress bar per file.
    if (parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--model") is Option<string> one
        && parse.GetValue(one) is { } named && Simil.Embeddings.Hub.HubModels.IsHubId(named))
        Simil.Cli.Rendering.DownloadProgress.Fetch(named);
    else if (parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--model") is Option<string[]> several)
        foreach (var each in (parse.GetValue(several) ?? []).Where(Simil.Embeddings.Hub.HubModels.IsHubId))
            Simil.Cli.Rendering.DownloadProgress.Fetch(each);
    Simil.Cli.Rendering.MatrixRenderer.KeyWidth = parse.GetValue(width);
    KeyedVectors.Fields = (parse.GetValue(idField), parse.GetValue(textField));
});
