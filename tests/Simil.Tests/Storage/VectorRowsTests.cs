using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Simil.Storage;

namespace Simil.Tests.Storage;

/// <summary>One shape of rows over a managed array, native memory and a memory-mapped file region.</summary>
public sealed class VectorRowsTests
{
    [Fact]
    public void A_range_of_rows_is_one_span_and_out_of_range_is_refused()
    {
        using var rows = new NativeRows(ElementType.Float32, 5, 3);
        for (int r = 0; r < 5; r++)
            rows.WritableRow<float>(r).Fill(r);
        Assert.Equal([2f, 2, 2, 3, 3, 3], rows.Range<float>(2, 2).ToArray());
        Assert.Empty(rows.Range<float>(5, 0).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Range<float>(4, 2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Range<float>(-1, 1).Length);
        Assert.Throws<InvalidOperationException>(() => rows.Range<double>(0, 1).Length);
    }

    [Fact]
    public void Array_rows_are_views_not_copies()
    {
        var array = new float[] { 1, 2, 3, 4, 5, 6, 99 };
        using var rows = new ArrayRows<float>(array, 3, 2);
        Assert.Equal((ElementType.Float32, 3, 2, (nint)2, true), (rows.ElementType, rows.Count, rows.Dimensions, rows.Stride, rows.IsContiguous));
        Assert.Equal([5f, 6], rows.Row<float>(2).ToArray());
        array[4] = 50;
        Assert.Equal(50f, rows.Row<float>(2)[0]);
        Assert.Equal(6, rows.All<float>().Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Row<float>(3).Length);
        Assert.Throws<InvalidOperationException>(() => rows.Row<double>(0).Length);
        Assert.Throws<ArgumentException>(() => new ArrayRows<float>(array, 4, 2));
    }

    [Fact]
    public void Native_rows_are_aligned_written_in_place_and_freed()
    {
        var rows = new NativeRows(ElementType.Float64, 4, 3);
        rows.WritableRow<double>(1)[2] = 7.5;
        Assert.Equal([0, 0, 7.5], rows.Row<double>(1).ToArray());
        unsafe { Assert.Equal(0, (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(rows.Row<double>(0))) % 64); }
        rows.Dispose();
        Assert.Throws<ObjectDisposedException>(() => rows.Row<double>(0).Length);
    }

    [Fact]
    public void Mapped_rows_read_a_file_region_in_place_with_a_stride()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-mapped-{Guid.NewGuid():N}.bin");
        try
        {
            // 100 bytes of header, then 3 rows of 2 floats with a stride of 4 (2 floats of padding).
            var bytes = new byte[100 + 3 * 4 * sizeof(float)];
            var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(100));
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 2; c++)
                    floats[r * 4 + c] = r * 10 + c;
            File.WriteAllBytes(path, bytes);
            using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using (var rows = MappedRows.Open(file, path, bytes.Length, 100, ElementType.Float32, 3, 2, 4))
            {
                Assert.False(rows.IsContiguous);
                Assert.Equal([20f, 21], rows.Row<float>(2).ToArray());
                Assert.Throws<InvalidOperationException>(() => rows.All<float>().Length);
            }
            // A region past the end of the file is bad input that names the file and the byte.
            var e = Assert.Throws<InputException>(() => MappedRows.Open(file, path, bytes.Length, 100, ElementType.Float32, 4, 2, 4));
            Assert.Contains($"{path}: byte 100", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Keys_live_in_their_own_map()
    {
        var keys = new KeyMap(["a", "b", "a"]);
        Assert.Equal((3, "b", 0, 1, -1), (keys.Count, keys[1], keys.IndexOf("a"), keys.IndexOf("b"), keys.IndexOf("c")));
        var matrix = EmbeddingMatrix.Over(new ArrayRows<float>([1, 2, 3], 3, 1), keys);
        Assert.Same(keys, matrix.KeyMap);
        Assert.Equal(1, matrix.IndexOf("b"));
        Assert.Throws<ArgumentException>(() => EmbeddingMatrix.Over(new ArrayRows<float>([1, 2], 2, 1), keys));
    }

    [Fact]
    public void A_matrix_over_rows_shares_them()
    {
        var array = new float[] { 1, 2, 3, 4 };
        var matrix = EmbeddingMatrix.Over(new ArrayRows<float>(array, 2, 2));
        array[3] = 40;
        Assert.Equal([3f, 40], matrix[1].ToArray());
    }

    [Fact]
    public void Float64_data_gets_no_hidden_float32_copy()
    {
        // Below FlatIndex's parallel threshold (16,384 rows): the search runs on this thread, so this
        // thread's allocations are all of it, whatever other tests allocate meanwhile.
        int rows = 16_000, dims = 64;
        var data = new double[rows * dims];
        var random = new Random(1);
        for (int i = 0; i < data.Length; i++)
            data[i] = random.NextDouble() - 0.5;
        var matrix = EmbeddingMatrix.Create(data, dims);
        var index = new FlatIndex(matrix, Metric.Cosine);
        var query = matrix[5].ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(5, index.Search(query, 3)[0].Index);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // A float32 copy of the corpus would be 4 MB (what the first search used to build and keep).
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated by the first search");
        // Each float32 view of a float64 row is converted afresh, not served from a cached copy.
        Assert.False(Unsafe.AreSame(ref MemoryMarshal.GetReference(matrix[0]), ref MemoryMarshal.GetReference(matrix[0])));
        Assert.Equal(matrix.ToFloat32()[7].ToArray(), matrix[7].ToArray());
    }

    [Fact]
    public void Released_mapped_rows_read_back_the_same_and_give_their_pages_back()
    {
        // 3,000 rows of 700 floats (2,800 bytes: rows straddle pages), at an offset that is not page aligned.
        const int count = 3000, dims = 700, offset = 100;
        var bytes = new byte[offset + count * dims * 4];
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset));
        for (int i = 0; i < values.Length; i++)
            values[i] = i * 0.5f - 7;
        var path = Path.Combine(Path.GetTempPath(), $"simil-release-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var rows = MappedRows.Open(path, path, offset, ElementType.Float32, count, dims);
            long Resident() => File.ReadLines("/proc/self/status").Where(l => l.StartsWith("RssFile:", StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture)).Single();
            double sum = 0;
            for (int r = 0; r < count; r++)
                sum += rows.Row<float>(r)[dims - 1];
            long touched = Resident();
            rows.Release(0, count);
            long released = Resident();
            // 8.4 MB of rows: at least 6 MB of file pages leave this process's resident set.
            Assert.True(touched - released > 6_000, $"RssFile {touched} kB → {released} kB");
            for (int r = 0; r < count; r++)
                Assert.Equal(values.Slice(r * dims, dims).ToArray(), rows.Row<float>(r).ToArray());
            // Partial ranges (pages shared with neighbouring rows stay) and empty ones change nothing either.
            rows.Release(17, 5);
            rows.Release(2999, 1);
            rows.Release(0, 0);
            Assert.Equal(values.Slice(17 * dims, 6 * dims).ToArray(), rows.Range<float>(17, 6).ToArray());
            Assert.Equal(values[^dims..].ToArray(), rows.Row<float>(count - 1).ToArray());
            Assert.True(sum != 0);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
