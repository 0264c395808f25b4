using Simil.Search;

namespace Simil.Tests;

/// <summary>A scorer bound to a query gives, row by row and block by block, exactly what Compute gives.</summary>
[Trait("Category", "Kernel")]
public sealed class ScorerTests
{
    [Fact]
    public void Score_and_ScoreBlock_equal_Compute_bit_for_bit_for_every_metric()
    {
        var random = new Random(21);
        int rows = 40, dims = 37;
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
            }
        }
    }
}
