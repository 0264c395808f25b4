using Simil.IO;

namespace Simil.Tests.IO;

/// <summary>
/// A reader allocates, on all its threads, at most about 1.2× the vectors' own size: the rows go
/// straight into one array sized before parsing. (Allocated bytes bound the peak from above.)
/// </summary>
[Collection(nameof(MemoryCollection))]
public sealed class MemoryTests
{
    [Theory]
    [InlineData(VectorFileFormat.Npy)]
    [InlineData(VectorFileFormat.Text)]
    [InlineData(VectorFileFormat.Csv)]
    [InlineData(VectorFileFormat.Word2VecText)]
    [InlineData(VectorFileFormat.Word2VecBinary)]
    [InlineData(VectorFileFormat.JsonLines)]
    public void Readers_allocate_about_the_vectors_once(VectorFileFormat format)
    {
        const int rows = 20_000, dims = 300;
        var random = new Random(2);
        var data = new float[rows * dims];
        for (int i = 0; i < data.Length; i++) data[i] = (float)random.NextDouble();
        var path = Path.Combine(Path.GetTempPath(), $"simil-mem-{Guid.NewGuid():N}");
        try
        {
            VectorFileWriter.Write(path, EmbeddingMatrix.Create(data, dims, [.. Enumerable.Range(0, rows).Select(i => $"w{i}")]), format);
            var options = new VectorReadOptions { Format = format };
            VectorFile.Read(path, options);   // warm up: code and static data
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var m = VectorFile.Read(path, options).Vectors!;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.Equal(rows, m.Count);
            double ratio = allocated / (rows * dims * 4.0);
            Assert.True(ratio <= 1.2, $"{format}: allocated {ratio:F2}× the vectors' size");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;
