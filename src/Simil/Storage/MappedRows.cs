using System.IO.MemoryMappedFiles;

namespace Simil.Storage;

/// <summary>
/// Rows in a region of a memory-mapped file, read in place (the index file's vector section is
/// one). The region is checked against the file's length before it is mapped.
/// </summary>
public sealed unsafe class MappedRows : VectorRows
{
    readonly MemoryMappedViewAccessor _view;
    byte* _pointer;

    MappedRows(MemoryMappedViewAccessor view, byte* pointer, ElementType elementType, int count, int dimensions, nint stride)
        : base(elementType, count, dimensions, stride)
    {
        _view = view;
        _pointer = pointer;
    }

    /// <summary>
    /// Maps <paramref name="count"/> rows of <paramref name="dimensions"/> elements, <paramref name="stride"/>
    /// elements apart, starting <paramref name="offset"/> bytes into <paramref name="file"/> (read-only).
    /// </summary>
    /// <exception cref="InputException">The region does not lie within the file's <paramref name="fileLength"/> bytes.</exception>
    public static MappedRows Open(MemoryMappedFile file, string fileName, long fileLength, long offset,
        ElementType elementType, int count, int dimensions, nint stride)
    {
        ArgumentNullException.ThrowIfNull(file);
        int size = elementType.Size();
        long bytes = count == 0 ? 0 : ((long)(count - 1) * stride + dimensions) * size;
        if (offset < 0 || bytes < 0 || offset > fileLength || bytes > fileLength - offset)
            throw new InputException(fileName, $"byte {offset}: {count} rows of {dimensions} {elementType} need {bytes} bytes, but the file has {fileLength - offset} after this offset");
        var view = file.CreateViewAccessor(offset, Math.Max(1, bytes), MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        // The view starts at a page boundary; the region starts PointerOffset bytes into it.
        return new MappedRows(view, pointer + view.PointerOffset, elementType, count, dimensions, stride);
    }

    /// <summary>
    /// Maps <paramref name="count"/> contiguous rows starting <paramref name="offset"/> bytes into
    /// the file at <paramref name="path"/> (read-only; the rows own the map and release it when disposed).
    /// </summary>
    /// <exception cref="InputException">The region does not lie within the file.</exception>
    public static MappedRows Open(string path, string fileName, long offset, ElementType elementType, int count, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        long length = stream.Length;
        // The view keeps the mapping alive after the map object and the file handle are closed.
        using var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        return Open(map, fileName, length, offset, elementType, count, dimensions, dimensions);
    }

    /// <inheritdoc/>
    public override void Release(int first, int count)
    {
        if (_pointer != null)
            MappedPages.Release(this, _pointer, first, count);
    }

    /// <inheritdoc/>
    protected override ref byte Start => ref *(_pointer != null ? _pointer : throw new ObjectDisposedException(nameof(MappedRows)));

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_pointer == null)
            return;
        _pointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        if (disposing)
            _view.Dispose();
    }
}
