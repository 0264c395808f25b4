namespace Simil.Embeddings.Tokenization;

/// <summary>
/// A model's tokenizer as the pipeline uses it: a text's ids without special tokens
/// (<see cref="Content"/>), and the special tokens the model's post-processor puts before
/// (<see cref="Prefix"/>) and after (<see cref="Suffix"/>) a single sequence. Truncation and
/// chunking cut the content and keep both ends, as Hugging Face's tokenizers truncate.
/// Not thread-safe unless the library underneath is: the pipeline calls it under a lock.
/// </summary>
abstract class TextTokenizer
{
    protected TextTokenizer(string kind, long[] prefix, long[] suffix, long padId)
    {
        Kind = kind;
        Prefix = prefix;
        Suffix = suffix;
        PadId = padId;
    }

    /// <summary>The id shorter texts of a batch are padded with (masked out; RoBERTa-shaped graphs count positions from it).</summary>
    public long PadId { get; }

    /// <summary>What the tokenizer is and where it came from, for <c>simil models</c> (e.g. "Unigram (tokenizer.json)").</summary>
    public string Kind { get; }

    /// <summary>The special tokens before the content ([CLS], &lt;s&gt;); may be empty.</summary>
    public long[] Prefix { get; }

    /// <summary>The special tokens after the content ([SEP], &lt;/s&gt;); may be empty.</summary>
    public long[] Suffix { get; }

    /// <summary>The ids of <paramref name="text"/> with no special tokens.</summary>
    public abstract long[] Content(string text);

    /// <summary>
    /// The ids of <paramref name="text"/> with the special tokens, at most <paramref name="maxTokens"/>
    /// of them: content past the room left by the special tokens is dropped.
    /// </summary>
    public long[] Encode(string text, int maxTokens, out bool cut)
    {
        var content = Content(text);
        int room = Math.Max(0, maxTokens - Prefix.Length - Suffix.Length);
        cut = content.Length > room;
        return Wrap(cut ? content.AsSpan(0, room) : content);
    }

    /// <summary><see cref="Prefix"/> + <paramref name="content"/> + <see cref="Suffix"/>.</summary>
    public long[] Wrap(ReadOnlySpan<long> content)
    {
        var ids = new long[Prefix.Length + content.Length + Suffix.Length];
        Prefix.CopyTo(ids, 0);
        content.CopyTo(ids.AsSpan(Prefix.Length));
        Suffix.CopyTo(ids, Prefix.Length + content.Length);
        return ids;
    }
}

/// <summary>A tokenizer given as a function over content, with its special tokens.</summary>
sealed class DelegateTokenizer(string kind, long[] prefix, long[] suffix, Func<string, long[]> content, long padId = 0) : TextTokenizer(kind, prefix, suffix, padId)
{
    public override long[] Content(string text) => content(text);
}
