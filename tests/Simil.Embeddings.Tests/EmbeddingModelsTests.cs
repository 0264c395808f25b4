namespace Simil.Embeddings.Tests;

/// <summary>The registry is the one place a model is chosen by name.</summary>
public sealed class EmbeddingModelsTests
{
    [Fact]
    public void The_default_model_is_listed_and_created_by_name_in_any_case()
    {
        Assert.Contains(EmbeddingModels.Default, EmbeddingModels.Names);
        Assert.True(EmbeddingModels.IsKnown("ALL-MiniLM-L6-v2"));
        Assert.Equal(384, EmbeddingModels.Dimensions(EmbeddingModels.Default));
        using var generator = EmbeddingModels.Create("all-minilm-l6-v2");
        Assert.Equal("all-MiniLM-L6-v2", generator.Name);
    }

    [Fact]
    public void An_unknown_model_is_a_setting_error_that_lists_the_known_ones_and_names_no_flag()
    {
        Assert.False(EmbeddingModels.IsKnown("gpt-9"));
        var e = Assert.Throws<InvalidSettingException>(() => EmbeddingModels.Create("gpt-9"));
        Assert.Equal(EmbeddingModels.ModelSetting, e.Setting);
        Assert.Equal("unknown model 'gpt-9'; available: all-MiniLM-L6-v2, arctic-embed-xs, a directory holding a sentence-transformers model exported to ONNX, or a Hugging Face repository ORG/NAME[@REVISION]", e.Reason);
        Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidSettingException>(() => EmbeddingModels.Dimensions("gpt-9"));
    }

    [Fact]
    public async Task GenerateAsync_gives_what_Embed_gives_and_can_be_cancelled()
    {
        using var generator = EmbeddingModels.Create(EmbeddingModels.Default);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["never embedded"], cancellationToken: cancelled.Token));

        var embeddings = await generator.GenerateAsync(["king"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(generator.Embed(["king"], TestContext.Current.CancellationToken)[0], embeddings[0].Vector.ToArray());
    }
}
