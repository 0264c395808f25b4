using System.Text.RegularExpressions;
using Simil.Embeddings.Tokenization;

namespace Simil.Embeddings;

/// <summary>
/// A long text cut into chunks that each fit a token budget, for embedding one vector a chunk:
/// each chunk is a run of whole words of the text (so it reads as the text does), its token count
/// measured by the model's tokenizer on the chunk itself, never above the budget; consecutive
/// chunks share about <c>overlap</c> tokens of words. A single word longer than the budget is a
/// chunk alone (the model then cuts it, and says so).
/// </summary>
static partial class TextChunks
{
    /// <summary>The <see cref="InvalidSettingException.Setting"/> of a chunk size the model cannot take.</summary>
    public const string ChunkSetting = "Chunk";

    /// <summary>The <see cref="InvalidSettingException.Setting"/> of an overlap out of range.</summary>
    public const string OverlapSetting = "Overlap";

    [GeneratedRegex(@"\S+")]
    private static partial Regex Words();

    public static IReadOnlyList<string> Cut(string text, int tokens, int overlap, Func<string, int> count)
    {
        var words = Words().Matches(text);
        if (words.Count == 0)
            return [text];
        var estimate = new int[words.Count];
        for (int i = 0; i < words.Count; i++)
            estimate[i] = count(words[i].Value);
        var chunks = new List<string>();
        for (int start = 0; start < words.Count;)
        {
            int end = start, sum = estimate[start];   // end: the last word in, inclusive
            while (end + 1 < words.Count && sum + estimate[end + 1] <= tokens)
                sum += estimate[++end];
            string Span(int last) => text[words[start].Index..(words[last].Index + words[last].Length)];
            // The words' counts alone may differ from the chunk's (joins, context): measure, and shrink while over.
            while (end > start && count(Span(end)) > tokens)
                end--;
            chunks.Add(Span(end));
            if (end + 1 >= words.Count)
                break;
            int next = end + 1, shared = 0;
            while (next - 1 > start && shared + estimate[next - 1] <= overlap)
                shared += estimate[--next];
            start = next;
        }
        return chunks;
    }

    /// <summary>Checks a chunk size and overlap against a model: the chunk, the prompt and the special tokens must fit its limit.</summary>
    /// <exception cref="InvalidSettingException">The chunk is below 1 or too long for the model (<see cref="ChunkSetting"/>), or the overlap is not below it (<see cref="OverlapSetting"/>).</exception>
    public static void Check(int tokens, int overlap, int maxTokens, TextTokenizer tokenizer, int promptTokens, string model)
    {
        int room = maxTokens - tokenizer.Prefix.Length - tokenizer.Suffix.Length - promptTokens;
        if (tokens < 1 || tokens > room)
            throw new InvalidSettingException(ChunkSetting, $"{tokens} tokens a chunk: {model} takes 1 to {room} (its {maxTokens}-token limit less {tokenizer.Prefix.Length + tokenizer.Suffix.Length} special tokens{(promptTokens > 0 ? $" and the prompt's {promptTokens}" : "")})");
        if (overlap < 0 || overlap >= tokens)
            throw new InvalidSettingException(OverlapSetting, $"{overlap} is not from 0 to below the chunk's {tokens} tokens");
    }
}
