namespace Simil.Embeddings;

/// <summary>
/// A prompt asked for by the user, put before every text that is embedded: one of the model's
/// prompts by name (<c>query</c>, <c>passage</c>…), or a text given as is. Not asked for (null):
/// documents take the model's default prompt, or the one recorded with their index; queries take
/// the model's query prompt (<see cref="QueryResolver"/>).
/// </summary>
/// <param name="Name">A prompt name of the model's <c>config_sentence_transformers.json</c>; null when <paramref name="Text"/> is given.</param>
/// <param name="Text">The prompt's text itself; null when <paramref name="Name"/> is given.</param>
public sealed record PromptChoice(string? Name, string? Text)
{
    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a prompt given both ways.</summary>
    public const string TextSetting = "PromptText";

    /// <summary>The choice of a name or a text, or null when neither is given.</summary>
    /// <exception cref="InvalidSettingException">Both are given (<see cref="TextSetting"/>).</exception>
    public static PromptChoice? Of(string? name, string? text) => (name, text) switch
    {
        (null, null) => null,
        (not null, not null) => throw new InvalidSettingException(TextSetting, "give a prompt by its name or as a text, not both"),
        _ => new PromptChoice(name, text),
    };

    /// <summary>The prompt's text for <paramref name="generator"/>'s model (a name looked up among its prompts).</summary>
    /// <exception cref="InvalidSettingException">The model has no prompt of that name (<see cref="LocalEmbeddingGenerator.PromptSetting"/>).</exception>
    public string For(LocalEmbeddingGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Text ?? generator.PromptText(Name);
    }
}
