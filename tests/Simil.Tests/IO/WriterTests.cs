using Simil.IO;

namespace Simil.Tests.IO;

/// <summary>Writing a file never loses data: temporary names of its own, flushed, then moved into place.</summary>
public sealed class WriterTests
{
    [Fact]
    public async Task Writers_in_one_process_never_collide_and_leave_one_whole_file()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "out.npy");
        var matrices = Enumerable.Range(0, 8)
            .Select(w => EmbeddingMatrix.Create(Enumerable.Range(0, 2_000 * 16).Select(i => (float)(w * 1_000_000 + i)).ToArray(), 16))
            .ToArray();
        // Eight writers at once, each several times, to the same path: with a temporary name per
        // process (the old scheme) they wrote into one file and moved it from under each other.
        await Task.WhenAll(matrices.Select(m => Task.Run(() =>
        {
            for (int i = 0; i < 5; i++)
                VectorFileWriter.Write(path, m, VectorFileFormat.Npy);
        }, TestContext.Current.CancellationToken)));
        var back = VectorFile.Read(path).Vectors!;
        var match = matrices.SingleOrDefault(m => m.Data.SequenceEqual(back.Data));
        Assert.NotNull(match);
        Assert.Equal(["out.npy"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("simil-writer-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
