using System.CommandLine;

namespace Simil.Cli;

/// <summary>
/// Runs a command line and turns every failure into one line on stderr and an exit code:
/// 0 success, 2 bad usage or bad input, 1 anything else. Never a stack trace, unless SIMIL_TRACE=1
/// asks for one on an internal error (for a bug report).
/// </summary>
static class Cli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static int Run(RootCommand root, string[] args, Action<ParseResult>? configure = null)
    {
        // `simil` alone: what it can do, not an error.
        if (args.Length == 0)
            args = ["--help"];
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && UnknownCommand(root, args) is { } unknown)
            return Fail(BadInput, unknown);
        // A group of commands alone (`simil index`): its help, as for `simil` alone.
        if (result.Errors.Count > 0 && result.CommandResult.Command is { Action: null } group && group.Subcommands.Any()
            && result.UnmatchedTokens.Count == 0 && args.All(a => !a.StartsWith('-')))
            result = root.Parse([.. args, "--help"]);
        if (result.Errors.Count > 0)
        {
            var command = result.CommandResult.Command;
            var name = command == root ? "simil" : $"simil {command.Name}";
            return Fail(BadInput, $"{result.Errors[0].Message} (see '{name} --help')");
        }
        try
        {
            configure?.Invoke(result);
            if (result.Action is System.CommandLine.Help.HelpAction)
                return Help(result);
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            // The server's host handles SIGTERM itself (requests in flight finish, up to 30 s);
            // System.CommandLine's own handler would end the process after 2 s with 143.
            if (result.CommandResult.Command.Name == "serve")
                invocation.ProcessTerminationTimeout = null;
            return result.Invoke(invocation);
        }
        catch (FileFormatException e) when (e.Setting is not null && Flags.TryGetValue(e.Setting, out var flag))
        {
            // The library names the read setting that would help in words; the user knows it by its flag.
            return Fail(BadInput, $"{e.Message} ({flag})");
        }
        catch (InputException e)
        {
            return Fail(BadInput, e.Message);
        }
        catch (InvalidSettingException e)
        {
            // The library names its setting; the user knows it by its flag.
            return Fail(BadInput, Flags.TryGetValue(e.Setting, out var flag) ? $"{flag}: {e.Reason}" : e.Message);
        }
        catch (TypeInitializationException e) when (e.InnerException is InputException inner)
        {
            // Configuration read once per process (SIMIL_KERNEL) fails inside a static initializer.
            return Fail(BadInput, inner.Message);
        }
        catch (FileNotFoundException e)
        {
            return Fail(BadInput, $"{e.FileName}: no such file");
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(BadInput, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            // A path the user named that cannot be opened (a folder, no permission) is bad input too.
            return Fail(BadInput, e.Message);
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            return Fail(BadInput, e.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(Failure, "cancelled");
        }
#pragma warning disable CA1031 // The tool's last line of defence: report, never crash with a trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            int code = Fail(Failure, $"internal error: {e.GetType().Name}: {e.Message}" +
                (Trace ? "" : " (SIMIL_TRACE=1 prints where; please report it with that)"));
            if (Trace)
                Console.Error.WriteLine(Postgres.PostgresSource.RedactPasswords(e.ToString()));
            return code;
        }
    }

    /// <summary>
    /// The flag of each library setting (<see cref="InvalidSettingException.Setting"/>: the
    /// properties of <see cref="SearchOptions"/> and <see cref="IndexBuildOptions"/>, the model
    /// name, pgvector's index method), for messages: the only place where a setting meets its flag.
    /// </summary>
    static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [nameof(SearchOptions.K)] = "-k/--top",
        [nameof(SearchOptions.Ef)] = "--ef",
        [nameof(SearchOptions.Oversample)] = "--oversample",
        [nameof(SearchOptions.Exact)] = "--exact",
        [nameof(IndexBuildOptions.Metric)] = "--metric",
        [nameof(IndexBuildOptions.Kind)] = "--kind",
        [nameof(IndexBuildOptions.Precision)] = "--precision",
        [nameof(IndexBuildOptions.Rescore)] = "--rescore",
        [nameof(IndexBuildOptions.Ranges)] = "--calibration",
        [nameof(IndexBuildOptions.M)] = "--m",
        [nameof(IndexBuildOptions.EfConstruction)] = "--ef-construction",
        [nameof(IndexBuildOptions.Seed)] = "--seed",
        [Embeddings.EmbeddingModels.ModelSetting] = "--model",
        [Embeddings.LocalEmbeddingGenerator.PromptSetting] = "--prompt",
        [Embeddings.LocalEmbeddingGenerator.ChunkSetting] = "--chunk",
        [Embeddings.LocalEmbeddingGenerator.OverlapSetting] = "--overlap",
        [nameof(SearchOptions.GroupByDocument)] = "--group-by-document",
        [Embeddings.PromptChoice.TextSetting] = "--prompt/--prompt-text",
        [Postgres.PostgresExport.IndexMethodSetting] = "--create-index",
        [Postgres.PostgresExport.DistributeBySetting] = "--distribute-by",
        [Postgres.PostgresExport.ShardsSetting] = "--shards",
        [Filters.Filter.Setting] = "--where",
        [nameof(IO.VectorReadOptions.IdField)] = "--id-field",
        [nameof(IO.VectorReadOptions.TextField)] = "--text-field",
        [nameof(IO.VectorReadOptions.Format)] = "--input-format",
    };

    /// <summary>
    /// Help as System.CommandLine writes it, except that the list of commands shows an optional
    /// argument as optional (<c>matrix &lt;A&gt; [&lt;B&gt;]</c>), as each command's own usage line does.
    /// </summary>
    static int Help(ParseResult result)
    {
        var text = new StringWriter();
        int code = result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = text });
        var help = text.ToString();
        foreach (var command in result.CommandResult.Command.Subcommands)
        {
            var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
            if (!arguments.Any(a => a.Arity.MinimumNumberOfValues == 0))
                continue;
            string shown = string.Join(' ', [command.Name, .. arguments.Select(a => $"<{a.Name}>")]);
            string meant = string.Join(' ', [command.Name, .. arguments.Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[<{a.Name}>]" : $"<{a.Name}>")]);
            // The row keeps its alignment: the brackets take padding that follows it.
            string padding = new(' ', meant.Length - shown.Length + 2);
            help = help.Replace($"  {shown}{padding}", $"  {meant}  ", StringComparison.Ordinal);
        }
        Console.Out.Write(help);
        return code;
    }

    /// <summary>Runs a library write whose rows came from <paramref name="file"/>: an error about the rows names the file.</summary>
    public static T Setting<T>(string file, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (InvalidSettingException e) when (e.Setting == VectorIndex.RowsSetting)
        {
            throw new InputException(file, e.Reason);
        }
    }

    /// <summary>SIMIL_TRACE=1 (or true): an internal error also prints its stack, for a bug report.</summary>
    static bool Trace => Environment.GetEnvironmentVariable("SIMIL_TRACE") is "1" or "true" or "TRUE" or "True";

    /// <summary>
    /// A word where a command is expected that is none (a typo such as <c>serach</c> or
    /// <c>index biuld</c>): named, with the nearest commands by spelling; null when there is none.
    /// </summary>
    static string? UnknownCommand(RootCommand root, string[] args)
    {
        Command current = root;
        string path = "simil";
        foreach (var arg in args)
        {
            if (arg.StartsWith('-') || !current.Subcommands.Any())
                return null;
            var next = current.Subcommands.FirstOrDefault(c => c.Name == arg);
            if (next is null)
            {
                var names = current.Subcommands.Select(c => c.Name).ToArray();
                var nearest = IO.KeySuggestions.Nearest(names, arg, 3);
                return $"'{arg}' is not a {path} command" + (nearest.Count > 0 ? $"; did you mean {string.Join(" or ", nearest.Select(n => $"'{path} {n}'"))}?" : "") +
                    $" (commands: {string.Join(", ", names)}; see '{path} --help')";
            }
            current = next;
            path += " " + next.Name;
        }
        return null;
    }

    static int Fail(int code, string message)
    {
        // A postgres:// source may carry a password; no message ever shows it.
        Console.Error.WriteLine($"simil: {Postgres.PostgresSource.RedactPasswords(message)}");
        return code;
    }
}
