using Simil.Search;

namespace Simil.Tests;

/// <summary>A scorer bound to a query gives, row by row and block by block, exactly what Compute gives.</summary>
[Trait("Category", "Kernel")]
public sealed class ScorerTests
{
    // Cosine's scorer sums ‖q‖² once and only a·b and ‖a‖² per row: lengths across every width's
    // remainders and past the 1,024-element float64 fold must still give Compute's bits.
    [Theory]
    [InlineData(37)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(384)]
    [InlineData(1025)]
    [InlineData(2100)]
    public void Score_ScoreBlock_and_Scan_equal_Compute_bit_for_bit_for_every_metric(int dims)
    {
        var random = new Random(21 + dims);
        int rows = 40;
        var data = Reference.MixedData(random, rows * dims);
        var float32 = EmbeddingMatrix.Create(data, dims);
        var float64 = EmbeddingMatrix.Create(data.Select(x => (double)x).ToArray(), dims);
        var query = Reference.MixedData(random, dims);
        foreach (var metric in MetricInfo.All)
        {
            var scorer = QueryScorer.Create(metric, query);
            foreach (var matrix in new[] { float32, float64 })
            {
                var block = new float[rows - 3];
                scorer.ScoreBlock(matrix, 3, block);
                for (int r = 0; r < rows; r++)
                {
                    int expected = BitConverter.SingleToInt32Bits(Similarity.Compute(metric, float32[r], query));
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(scorer.Score(float32[r])));
                    if (r >= 3)
                        Assert.Equal(expected, BitConverter.SingleToInt32Bits(block[r - 3]));
                }
                // The scan (which asks for rows ahead) keeps every row's exact score.
                var top = new TopK(rows, metric.HigherIsCloser());
                scorer.Scan(matrix, 0, rows, top);
                foreach (var n in top.ToSortedArray())
                    Assert.Equal(BitConverter.SingleToInt32Bits(Similarity.Compute(metric, float32[n.Index], query)), BitConverter.SingleToInt32Bits(n.Score));
            }
        }
    }
}
