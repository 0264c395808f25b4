using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Simil.Storage;

/// <summary>
/// Rows of vectors of one element type: <see cref="Count"/> rows of <see cref="Dimensions"/>
/// elements, each starting <see cref="Stride"/> elements after the previous one, with native-sized
/// (<c>nint</c>) offsets, so storage is not limited to 2³¹ elements. Backed by a managed array
/// (<see cref="ArrayRows{T}"/>), native memory (<see cref="NativeRows"/>) or a region of a
/// memory-mapped file (<see cref="MappedRows"/>). Keys are not here: see <see cref="KeyMap"/>.
/// </summary>
public abstract class VectorRows : IDisposable
{
    /// <summary>Describes rows; the subclass provides the memory.</summary>
    protected VectorRows(ElementType elementType, int count, int dimensions, nint stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, dimensions);
        ElementType = elementType;
        Count = count;
        Dimensions = dimensions;
        Stride = stride;
    }

    /// <summary>The type of every element.</summary>
    public ElementType ElementType { get; }

    /// <summary>The number of rows.</summary>
    public int Count { get; }

    /// <summary>The elements of one row.</summary>
    public int Dimensions { get; }

    /// <summary>Elements from the start of one row to the start of the next (at least <see cref="Dimensions"/>).</summary>
    public nint Stride { get; }

    /// <summary>True when the rows follow one another with no gap, so that <see cref="All{T}"/> can span them.</summary>
    public bool IsContiguous => Stride == Dimensions;

    /// <summary>A reference to the first element of row 0 (the subclass's memory).</summary>
    protected abstract ref byte Start { get; }

    /// <summary>Row <paramref name="row"/> as elements of <typeparamref name="T"/>, which must be the element type.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Count"/>).</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the element type.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> Row<T>(int row) where T : unmanaged
    {
        if ((uint)row >= (uint)Count)
            Throw.ArgumentOutOfRange(nameof(row), $"row {row} is outside [0, {Count})");
        CheckType<T>();
        ref byte at = ref Unsafe.Add(ref Start, (nint)row * Stride * Unsafe.SizeOf<T>());
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref at), Dimensions);
    }

    /// <summary>Rows <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1, one after another (contiguous rows; the range must fit one span).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the rows.</exception>
    /// <exception cref="InvalidOperationException">The rows are not contiguous, the range holds more than 2³¹ − 1 elements, or <typeparamref name="T"/> is not the element type.</exception>
    public ReadOnlySpan<T> Range<T>(int first, int count) where T : unmanaged
    {
        if (first < 0 || count < 0 || first > Count - count)
            Throw.ArgumentOutOfRange(nameof(first), $"rows {first}..{first + count} are outside [0, {Count})");
        CheckType<T>();
        long length = (long)count * Dimensions;
        if (!IsContiguous || length > int.MaxValue)
            throw new InvalidOperationException($"{count} rows of {Dimensions} (stride {Stride}) are not one contiguous span");
        ref byte at = ref Unsafe.Add(ref Start, (nint)first * Stride * Unsafe.SizeOf<T>());
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref at), (int)length);
    }

    /// <summary>Every row, one after another, where they are contiguous and fit one span.</summary>
    /// <exception cref="InvalidOperationException">The rows are not contiguous, hold more than 2³¹ − 1 elements, or are not <typeparamref name="T"/>.</exception>
    public ReadOnlySpan<T> All<T>() where T : unmanaged
    {
        CheckType<T>();
        long length = (long)Count * Dimensions;
        if (!IsContiguous || length > int.MaxValue)
            throw new InvalidOperationException($"{Count} rows of {Dimensions} (stride {Stride}) are not one contiguous span");
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref Start), (int)length);
    }

    /// <summary>
    /// Tells the storage that rows <paramref name="first"/> … <paramref name="first"/> +
    /// <paramref name="count"/> − 1 will not be read again soon: rows mapped from a file give their
    /// pages back (they are read from the page cache again if they are), so one pass over a file
    /// larger than memory keeps only the pages in use resident. Other storage ignores it. The rows
    /// stay valid either way.
    /// </summary>
    public virtual void Release(int first, int count)
    {
    }

    void CheckType<T>() where T : unmanaged
    {
        if (ElementTypes.Of<T>() != ElementType)
            throw new InvalidOperationException($"the rows hold {ElementType}, not {typeof(T).Name}");
    }

    /// <summary>Releases native memory or a file mapping; managed arrays have nothing to release.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the subclass holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>Rows in a managed array (the in-memory case: <see cref="EmbeddingMatrix"/>).</summary>
public sealed class ArrayRows<T> : VectorRows where T : unmanaged
{
    readonly T[] _array;

    /// <summary>Takes <paramref name="array"/> as <paramref name="count"/> contiguous rows (not copied; it may be longer).</summary>
    public ArrayRows(T[] array, int count, int dimensions)
        : base(ElementTypes.Of<T>(), count, dimensions, dimensions)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((long)count * dimensions > array.Length)
            Throw.Argument(nameof(array), $"{array.Length} elements cannot hold {count} rows of {dimensions}");
        _array = array;
    }

    /// <summary>The array behind the rows.</summary>
    public T[] Array => _array;

    /// <inheritdoc/>
    protected override ref byte Start => ref Unsafe.As<T, byte>(ref MemoryMarshal.GetArrayDataReference(_array));
}

/// <summary>
/// Rows in native memory, 64-byte aligned, owned and freed on <see cref="VectorRows.Dispose()"/>.
/// There is deliberately no finalizer: a span into the rows does not keep them alive, so freeing
/// them from the finalizer could free memory a caller still reads. Undisposed rows leak instead.
/// </summary>
public sealed unsafe class NativeRows : VectorRows
{
    byte* _data;

    /// <summary>Takes ownership of native memory from <see cref="NativeMemory.AlignedAlloc"/> holding <paramref name="count"/> contiguous rows.</summary>
    internal NativeRows(byte* data, ElementType elementType, int count, int dimensions)
        : base(elementType, count, dimensions, dimensions) => _data = data;

    /// <summary>Allocates <paramref name="count"/> contiguous rows, zeroed.</summary>
    public NativeRows(ElementType elementType, int count, int dimensions)
        : base(elementType, count, dimensions, dimensions)
    {
        nuint bytes = (nuint)Math.Max(1, (long)count * dimensions * elementType.Size());
        _data = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
    }

    /// <summary>Row <paramref name="row"/> to write into.</summary>
    public Span<T> WritableRow<T>(int row) where T : unmanaged
    {
        var read = Row<T>(row);
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(read), read.Length);
    }

    /// <inheritdoc/>
    protected override ref byte Start => ref *(_data != null ? _data : throw new ObjectDisposedException(nameof(NativeRows)));

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        NativeMemory.AlignedFree(_data);
        _data = null;
    }
}
