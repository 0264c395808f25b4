using Simil.Testing;

namespace Simil.Embeddings.Tests;

/// <summary>
/// Issue 24, long texts: a text cut into chunks of whole words, each within the token budget as the
/// model's own tokenizer counts it, in order, covering every word, consecutive chunks sharing words
/// when an overlap is asked; a budget the model cannot take is refused naming its limit.
/// </summary>
public sealed class ChunkTests
{
    static readonly string Fixtures = Repository.Path("tests", "fixtures", "models");

    static string[] LongTexts() => [.. File.ReadLines(Path.Combine(Fixtures, "reference-texts.txt")).Skip(150)];

    [Theory]
    [InlineData("xlmr-tiny", 50, 0)]
    [InlineData("xlmr-tiny", 100, 30)]
    [InlineData("bert-tiny", 40, 10)]
    [InlineData("wordpiece-default", 120, 20)]
    public void ChunksFitTheBudgetAndCoverEveryWordInOrder(string name, int tokens, int overlap)
    {
        using var model = EmbeddingModels.Create(name == "wordpiece-default" ? EmbeddingModels.Default : Path.Combine(Fixtures, name));
        int special = model.TokenIds("").Length;
        int chunked = 0;
        foreach (var text in LongTexts())
        {
            var chunks = model.Chunks(text, tokens, overlap);
            var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (model.TokenIds(text, truncate: false).Length - special <= tokens)
            {
                Assert.Equal([string.Join(' ', words)], chunks.Select(c => string.Join(' ', c.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
                continue;
            }
            chunked++;
            Assert.True(chunks.Count > 1);
            int previousStart = -1, previousEnd = text.Length - text.TrimStart().Length, overlapping = 0;
            foreach (var chunk in chunks)
            {
                // Within budget, unless one word alone is longer (then it stands alone).
                int count = model.TokenIds(chunk, truncate: false).Length - special;
                Assert.True(count <= tokens || !chunk.Any(char.IsWhiteSpace), $"a chunk of {count} tokens");
                // Whole words of the text, in order, with no word left out between chunks.
                int start = text.IndexOf(chunk, previousStart + 1, StringComparison.Ordinal);
                Assert.True(start > previousStart, "each chunk is the text's own words, after the one before");
                Assert.True(start <= previousEnd || string.IsNullOrWhiteSpace(text[previousEnd..start]), "no word falls between two chunks");
                Assert.True(start == 0 || char.IsWhiteSpace(text[start - 1]));
                if (overlap == 0)
                    Assert.True(start >= previousEnd, "no overlap was asked");
                else if (start < previousEnd)
                    overlapping++;
                previousStart = start;
                previousEnd = start + chunk.Length;
            }
            Assert.Equal(text.TrimEnd().Length, previousEnd);
            if (overlap > 0)
                Assert.True(overlapping >= chunks.Count / 2, $"only {overlapping} of {chunks.Count} chunks share words with the one before");
        }
        Assert.True(chunked > 10, $"only {chunked} texts were long enough to cut");
    }

    [Fact]
    public void ABudgetTheModelCannotTakeIsRefusedNamingItsLimit()
    {
        using var model = EmbeddingModels.Create(Path.Combine(Fixtures, "bert-tiny"));
        // bert-tiny: 128 tokens, </s> after the text, its default prompt "documento: " counted too.
        var e = Assert.Throws<InvalidSettingException>(() => model.Chunks("a b c", 200));
        Assert.Equal(LocalEmbeddingGenerator.ChunkSetting, e.Setting);
        Assert.Contains("128-token limit", e.Reason);
        Assert.Contains("prompt", e.Reason);
        Assert.Equal(LocalEmbeddingGenerator.OverlapSetting, Assert.Throws<InvalidSettingException>(() => model.Chunks("a b c", 50, 50)).Setting);
        Assert.Equal(LocalEmbeddingGenerator.ChunkSetting, Assert.Throws<InvalidSettingException>(() => model.Chunks("a b c", 0)).Setting);
    }
}
