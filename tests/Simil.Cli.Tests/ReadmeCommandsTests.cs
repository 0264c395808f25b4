using System.Text;
using Simil.Testing;

namespace Simil.Cli.Tests;

/// <summary>
/// Item 6 of issue 21: every `$ simil …` command in the README's text blocks runs, in README order,
/// in a copy of samples/data, and prints what the README shows (numbers from a model within
/// <see cref="ReadmeOutput.Tolerance"/> or one unit of the last digit shown; a lone <c>…</c> in the README stands for output it leaves
/// out, such as a timing or the rest of a long table). A synopsis line (optional parts in
/// brackets) runs without them and must succeed. The database commands run against a real server
/// in Simil.Postgres.Tests (ReadmeTests); here they are only checked to be database commands.
/// </summary>
public sealed class ReadmeCommandsTests
{
    sealed record Example(int Line, string CommandLine, string? Shown);

    static List<Example> Examples()
    {
        var lines = File.ReadAllText(Repository.Path("README.md")).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var examples = new List<Example>();
        bool inText = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                inText = !inText && lines[i] == "```text";
                continue;
            }
            if (!inText || !lines[i].StartsWith("$ simil ", StringComparison.Ordinal))
                continue;
            var shown = new StringBuilder();
            int j = i + 1;
            for (; j < lines.Length && !lines[j].StartsWith("$ ", StringComparison.Ordinal) && !lines[j].StartsWith("```", StringComparison.Ordinal); j++)
                shown.Append(lines[j]).Append('\n');
            examples.Add(new(i + 1, lines[i][2..], j > i + 1 ? shown.ToString().TrimEnd('\n') + "\n" : null));
        }
        return examples;
    }

    /// <summary>A command line split as a POSIX shell splits it (double or single quotes group, the other kind literal inside; a # outside quotes starts a comment).</summary>
    static List<string> Split(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        char quote = '"';
        foreach (char c in commandLine)
        {
            if ((c == '"' || c == '\'') && (!quoted || c == quote))
            {
                quoted = !quoted;
                quote = c;
                any = true;
            }
            else if (!quoted && c == '#' && word.Length == 0 && !any)
                break;
            else if (!quoted && char.IsWhiteSpace(c))
            {
                if (any)
                    words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any)
            words.Add(word.ToString());
        return words;
    }

    /// <summary>The synopsis without its optional parts: "[--m 16]" and the like.</summary>
    static string WithoutOptionalParts(string commandLine) =>
        System.Text.RegularExpressions.Regex.Replace(commandLine, @"\s\[[^\]""]*\]", "");

    [Fact]
    public async Task Every_command_in_the_readme_runs_and_prints_what_it_shows()
    {
        var examples = Examples();
        Assert.True(examples.Count >= 25, $"only {examples.Count} commands found in the README");
        using var files = new TempFiles();
        foreach (var file in Directory.GetFiles(Repository.Path("samples", "data")))
            File.Copy(file, files.Path(Path.GetFileName(file)));
        Directory.CreateDirectory(files.Path("docs"));
        var failures = new List<string>();
        foreach (var example in examples)
        {
            var args = Split(WithoutOptionalParts(example.CommandLine));
            Assert.Equal("simil", args[0]);
            if (args.Any(a => a.StartsWith("postgres://", StringComparison.Ordinal)))
                continue;   // Simil.Postgres.Tests runs these against a server
            var run = await SimilProcess.RunInAsync(files.Folder, args.Skip(1).ToArray());
            string printed = run.Stdout + run.Stderr;
            if (example.Shown is null)
            {
                if (run.ExitCode != 0)
                    failures.Add($"README line {example.Line}: `{example.CommandLine}` exited {run.ExitCode}: {printed}");
                continue;
            }
            if (ReadmeOutput.Difference(example.Shown, printed) is { } difference)
                failures.Add($"README line {example.Line}: `{example.CommandLine}`: {difference}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void The_splitter_and_the_synopsis_rule_read_commands_as_a_shell_would()
    {
        Assert.Equal(["simil", "compare", "king", "queen"], Split("simil compare \"king\" \"queen\""));
        Assert.Equal(["simil", "search", "a b.simil", "--query", "x # y"], Split("simil search \"a b.simil\" --query \"x # y\"   # a comment"));
        Assert.Equal("simil index info sts.simil", WithoutOptionalParts("simil index info sts.simil [--json]"));
        Assert.Equal("simil search v.simil --query \"[1, 2]\"", WithoutOptionalParts("simil search v.simil --query \"[1, 2]\" [--exact]"));
    }
}
