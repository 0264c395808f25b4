using System.CommandLine;

namespace Simil.Cli.Commands;

/// <summary>
/// <c>-k</c>/<c>--top</c>, the same on every command that returns neighbours: a whole number of
/// at least 1 (default 10); 0 or less is bad input on every command alike.
/// </summary>
static class TopOption
{
    public const int Default = 10;

    public static Option<int> Create(string description)
    {
        var option = new Option<int>("--top", "-k") { Description = $"{description} At least 1.", DefaultValueFactory = _ => Default };
        option.Validators.Add(result =>
        {
            // Only a number: a word is the parser's own error ("cannot parse 'abc'").
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out int k) && k < 1)
                result.AddError($"-k/--top: {k} is below 1; ask for at least one neighbour");
        });
        return option;
    }
}
