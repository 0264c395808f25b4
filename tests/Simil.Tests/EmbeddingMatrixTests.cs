namespace Simil.Tests;

public sealed class EmbeddingMatrixTests
{
    [Fact]
    public void Create_copies_rows_and_keys()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        var m = EmbeddingMatrix.Create(data, 3, ["a", "b"]);
        data[0] = 99;
        Assert.Equal(2, m.Count);
        Assert.Equal(3, m.Dimensions);
        Assert.Equal([1f, 2, 3], m[0].ToArray());
        Assert.Equal([4f, 5, 6], m[1].ToArray());
        Assert.Equal(["a", "b"], m.Keys!);
    }

    [Fact]
    public void Bad_shapes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => EmbeddingMatrix.Create([1, 2, 3], 2));
        Assert.Throws<ArgumentException>(() => EmbeddingMatrix.Create([1, 2], 0));
        Assert.Throws<ArgumentException>(() => EmbeddingMatrix.Create([1, 2], 1, ["only one"]));
        var m = EmbeddingMatrix.Create([1, 2], 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => m[1].Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => m[-1].Length);
    }
}
