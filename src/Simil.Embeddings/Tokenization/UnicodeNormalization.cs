namespace Simil.Embeddings.Tokenization;

/// <summary>
/// Whether this process can normalize Unicode: a .NET program built with InvariantGlobalization
/// returns non-ASCII text from <see cref="string.Normalize(System.Text.NormalizationForm)"/>
/// unchanged, so accents would not be stripped and NFKC would do nothing — wrong token ids with no
/// error. A tokenizer that needs normalization calls <see cref="Require"/> with each text that has
/// non-ASCII characters, so the program fails once, loudly, only when the result would be wrong.
/// </summary>
static class UnicodeNormalization
{
    /// <summary>Whether <c>"é"</c> decomposes: ICU is loaded and normalization works.</summary>
    public static bool Works { get; } = "\u00e9".Normalize(System.Text.NormalizationForm.FormD).Length == 2;

    /// <summary>Throws when <paramref name="text"/> has non-ASCII characters and normalization does not work.</summary>
    /// <exception cref="InvalidOperationException">The process runs in invariant globalization mode.</exception>
    public static void Require(string text, string why)
    {
        if (Works || System.Text.Ascii.IsValid(text))
            return;
        throw new InvalidOperationException(
            $"this program runs with invariant globalization, which cannot normalize Unicode, and the model's tokenizer needs it ({why}); build it with <InvariantGlobalization>false</InvariantGlobalization> (set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=0 where ICU is installed)");
    }
}
