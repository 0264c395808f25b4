using System.Runtime.InteropServices;

namespace Simil.Storage;

/// <summary>
/// Where a reader puts the vectors it parses: it reserves room for the values it expects (and may
/// grow it), parses straight into that room, then completes the rows with their count and keys.
/// The room is addressed by 64-bit offsets (<see cref="SinkRoom{T}"/>), so a sink that is not a
/// managed array has no 2³¹ limit. <see cref="ArraySink"/> (the default) keeps the values in a
/// managed array; <see cref="NativeSink"/> in native memory; <see cref="AnySizeSink"/> in an array
/// up to a limit and in native memory past it (what the command-line tool reads with).
/// </summary>
public abstract class VectorSink
{
    /// <summary>The most values this sink holds; a reader refuses a file of more, naming its size.</summary>
    public virtual long MaxElements => long.MaxValue;

    /// <summary>Room for <paramref name="elements"/> values of <typeparamref name="T"/>, contents undefined; replaces any earlier room.</summary>
    public abstract SinkRoom<T> Reserve<T>(long elements) where T : unmanaged;

    /// <summary>Room for <paramref name="elements"/> values, keeping the values of the current room.</summary>
    public abstract SinkRoom<T> Grow<T>(long elements) where T : unmanaged;

    /// <summary>The first <paramref name="rows"/> × <paramref name="dimensions"/> values of the room as rows, with <paramref name="keys"/> (owned).</summary>
    public abstract EmbeddingMatrix Complete<T>(int rows, int dimensions, string[]? keys) where T : unmanaged;

    /// <summary>Checks a request against <see cref="MaxElements"/> (a reader checks first, with the file's name).</summary>
    protected long Checked(long elements) =>
        elements >= 0 && elements <= MaxElements ? elements
        : throw new InputException($"{elements:N0} values do not fit this sink (at most {MaxElements:N0})");
}

/// <summary>
/// A sink's room: <see cref="Length"/> values in a managed array or native memory, handed out a
/// span at a time by 64-bit offset. A struct of an array or an address, so parallel readers can
/// capture it.
/// </summary>
public readonly unsafe struct SinkRoom<T> where T : unmanaged
{
    readonly T[]? _array;
    readonly nint _address;

    internal SinkRoom(T[] array)
    {
        _array = array;
        Length = array.Length;
    }

    internal SinkRoom(void* address, long length)
    {
        _address = (nint)address;
        Length = length;
    }

    /// <summary>The number of values the room holds.</summary>
    public long Length { get; }

    /// <summary><paramref name="length"/> values from offset <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the room.</exception>
    public Span<T> Slice(long start, int length)
    {
        if (start < 0 || length < 0 || start > Length - length)
            Throw.ArgumentOutOfRange(nameof(start), $"values {start}..{start + length} are outside the room of {Length}");
        return _array is not null ? _array.AsSpan((int)start, length) : new Span<T>((T*)_address + start, length);
    }
}

/// <summary>Vectors in a managed array: the default sink, at most <see cref="Array.MaxLength"/> values.</summary>
public sealed class ArraySink : VectorSink
{
    Array? _array;

    /// <inheritdoc/>
    public override long MaxElements => Array.MaxLength;

    /// <inheritdoc/>
    public override SinkRoom<T> Reserve<T>(long elements)
    {
        var array = GC.AllocateUninitializedArray<T>((int)Checked(elements));
        _array = array;
        return new SinkRoom<T>(array);
    }

    /// <inheritdoc/>
    public override SinkRoom<T> Grow<T>(long elements)
    {
        var old = Current<T>();
        var array = GC.AllocateUninitializedArray<T>((int)Checked(elements));
        old.AsSpan(0, Math.Min(old.Length, array.Length)).CopyTo(array);
        _array = array;
        return new SinkRoom<T>(array);
    }

    /// <inheritdoc/>
    public override EmbeddingMatrix Complete<T>(int rows, int dimensions, string[]? keys)
    {
        var array = Current<T>();
        _array = null;
        return EmbeddingMatrix.Over(new ArrayRows<T>(array, rows, dimensions), keys is null ? null : KeyMap.Own(keys));
    }

    /// <summary>The current room's array (empty before any).</summary>
    internal T[] Current<T>() => (T[]?)_array ?? [];

    /// <summary>Lets the current room go.</summary>
    internal void Clear() => _array = null;
}

/// <summary>Vectors in 64-byte-aligned native memory, owned by the <see cref="NativeRows"/> it completes: dispose those rows (<c>matrix.Rows.Dispose()</c>) to free it. No 2³¹ limit.</summary>
public sealed unsafe class NativeSink : VectorSink
{
    NativeBlock? _block;

    /// <inheritdoc/>
    public override SinkRoom<T> Reserve<T>(long elements)
    {
        Clear();
        _block = new NativeBlock(Checked(elements) * sizeof(T));
        return new SinkRoom<T>(_block.Pointer, elements);
    }

    /// <inheritdoc/>
    public override SinkRoom<T> Grow<T>(long elements)
    {
        var block = new NativeBlock(Checked(elements) * sizeof(T));
        if (_block is { } old)
        {
            Buffer.MemoryCopy(old.Pointer, block.Pointer, block.Bytes, Math.Min(old.Bytes, block.Bytes));
            old.Free();
        }
        _block = block;
        return new SinkRoom<T>(block.Pointer, elements);
    }

    /// <inheritdoc/>
    public override EmbeddingMatrix Complete<T>(int rows, int dimensions, string[]? keys)
    {
        var block = _block ?? new NativeBlock(0);
        _block = null;
        var type = ElementTypes.Of<T>();
        if ((long)rows * dimensions * type.Size() > block.Bytes)
            throw new InvalidOperationException("more rows than the reserved room holds");
        return EmbeddingMatrix.Over(new NativeRows(block.Take(), type, rows, dimensions), keys is null ? null : KeyMap.Own(keys));
    }

    /// <summary>Frees the current room.</summary>
    internal void Clear()
    {
        _block?.Free();
        _block = null;
    }

    /// <summary>One native allocation, until the rows take it over.</summary>
    sealed class NativeBlock(long bytes)
    {
        public long Bytes { get; } = bytes;
        public byte* Pointer { get; private set; } = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes), 64);

        public byte* Take()
        {
            var pointer = Pointer;
            Pointer = null;
            return pointer;
        }

        public void Free()
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }
}

/// <summary>
/// Any size: a managed array (as <see cref="ArraySink"/>) for up to <paramref name="arrayLimit"/>
/// values, native memory (as <see cref="NativeSink"/>) past it, moving there when a room grows
/// past the limit. Rows completed in native memory are <see cref="NativeRows"/>: dispose them to
/// free it. Tests lower the limit to take the native path on small files.
/// </summary>
public sealed class AnySizeSink(long arrayLimit) : VectorSink
{
    readonly ArraySink _array = new();
    readonly NativeSink _native = new();
    readonly long _arrayLimit = Math.Clamp(arrayLimit, 0, Array.MaxLength);
    bool _inNative;

    /// <summary>A sink whose array holds up to <see cref="Array.MaxLength"/> values.</summary>
    public AnySizeSink() : this(Array.MaxLength)
    {
    }

    /// <inheritdoc/>
    public override SinkRoom<T> Reserve<T>(long elements)
    {
        _inNative = elements > _arrayLimit;
        if (_inNative)
        {
            _array.Clear();
            return _native.Reserve<T>(elements);
        }
        _native.Clear();
        return _array.Reserve<T>(elements);
    }

    /// <inheritdoc/>
    public override SinkRoom<T> Grow<T>(long elements)
    {
        if (_inNative)
            return _native.Grow<T>(elements);
        if (elements <= _arrayLimit)
            return _array.Grow<T>(elements);
        var old = _array.Current<T>();
        var room = _native.Reserve<T>(Math.Max(elements, old.Length));
        old.CopyTo(room.Slice(0, old.Length));
        _array.Clear();
        _inNative = true;
        return room;
    }

    /// <inheritdoc/>
    public override EmbeddingMatrix Complete<T>(int rows, int dimensions, string[]? keys) =>
        _inNative ? _native.Complete<T>(rows, dimensions, keys) : _array.Complete<T>(rows, dimensions, keys);
}
