using System.Buffers;
using System.Runtime.InteropServices;

namespace Simil.Storage;

/// <summary>
/// Where a reader puts the vectors it parses: it reserves room for the values it expects (and may
/// grow it), parses straight into that room, then completes the rows with their count and keys.
/// <see cref="ArraySink"/> (the default) keeps them in a managed array; <see cref="NativeSink"/> in
/// native memory, so a large file never becomes one managed array; a sink over a memory-mapped
/// file (the index file's) streams a file into it the same way.
/// </summary>
public abstract class VectorSink
{
    /// <summary>Room for <paramref name="elements"/> values of <typeparamref name="T"/>, contents undefined; replaces any earlier room.</summary>
    public abstract Memory<T> Reserve<T>(long elements) where T : unmanaged;

    /// <summary>Room for <paramref name="elements"/> values, keeping the values of the current room.</summary>
    public abstract Memory<T> Grow<T>(long elements) where T : unmanaged;

    /// <summary>The first <paramref name="rows"/> × <paramref name="dimensions"/> values of the room as rows, with <paramref name="keys"/> (owned).</summary>
    public abstract EmbeddingMatrix Complete<T>(int rows, int dimensions, string[]? keys) where T : unmanaged;

    /// <summary>The element count a <see cref="Memory{T}"/> can hold, or bad input naming the size.</summary>
    protected static int Checked(long elements) =>
        elements is >= 0 and <= int.MaxValue ? (int)elements
        : throw new InputException($"{elements:N0} values do not fit one block of memory");
}

/// <summary>Vectors in a managed array: the default sink.</summary>
public sealed class ArraySink : VectorSink
{
    Array? _array;

    /// <inheritdoc/>
    public override Memory<T> Reserve<T>(long elements)
    {
        var array = GC.AllocateUninitializedArray<T>(Checked(elements));
        _array = array;
        return array;
    }

    /// <inheritdoc/>
    public override Memory<T> Grow<T>(long elements)
    {
        var old = (T[]?)_array ?? [];
        var array = GC.AllocateUninitializedArray<T>(Checked(elements));
        old.AsSpan(0, Math.Min(old.Length, array.Length)).CopyTo(array);
        _array = array;
        return array;
    }

    /// <inheritdoc/>
    public override EmbeddingMatrix Complete<T>(int rows, int dimensions, string[]? keys)
    {
        var array = (T[]?)_array ?? [];
        _array = null;
        return EmbeddingMatrix.Over(new ArrayRows<T>(array, rows, dimensions), keys is null ? null : KeyMap.Own(keys));
    }
}

/// <summary>Vectors in 64-byte-aligned native memory, owned by the <see cref="NativeRows"/> it completes: dispose those rows (<c>matrix.Rows.Dispose()</c>) to free it.</summary>
public sealed unsafe class NativeSink : VectorSink
{
    NativeBlock? _block;

    /// <inheritdoc/>
    public override Memory<T> Reserve<T>(long elements)
    {
        _block?.Free();
        _block = new NativeBlock(Checked(elements) * (long)sizeof(T));
        return new NativeMemoryManager<T>(_block).Memory;
    }

    /// <inheritdoc/>
    public override Memory<T> Grow<T>(long elements)
    {
        var block = new NativeBlock(Checked(elements) * (long)sizeof(T));
        if (_block is { } old)
        {
            Buffer.MemoryCopy(old.Pointer, block.Pointer, block.Bytes, Math.Min(old.Bytes, block.Bytes));
            old.Free();
        }
        _block = block;
        return new NativeMemoryManager<T>(block).Memory;
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

    /// <summary>A <see cref="Memory{T}"/> over the block, so that parallel readers can capture it.</summary>
    sealed class NativeMemoryManager<T>(NativeBlock block) : MemoryManager<T> where T : unmanaged
    {
        public override Span<T> GetSpan() => new(block.Pointer, (int)(block.Bytes / sizeof(T)));
        public override MemoryHandle Pin(int elementIndex = 0) => new((T*)block.Pointer + elementIndex);
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }
}
