namespace Simil.Storage;

/// <summary>The type of one element of a stored vector.</summary>
public enum ElementType
{
    /// <summary>IEEE float32, little-endian.</summary>
    Float32,

    /// <summary>IEEE float64, little-endian.</summary>
    Float64,

    /// <summary>Bytes: the codes of compressed vectors (float16, bfloat16, int8 or packed bits), read by their precision.</summary>
    Byte,
}

/// <summary>Sizes and names of <see cref="ElementType"/>s.</summary>
public static class ElementTypes
{
    /// <summary>The bytes one element takes.</summary>
    public static int Size(this ElementType type) => type switch
    {
        ElementType.Float32 => sizeof(float),
        ElementType.Float64 => sizeof(double),
        ElementType.Byte => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an element type"),
    };

    /// <summary>The element type of the .NET type <typeparamref name="T"/>.</summary>
    internal static ElementType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ElementType.Float32
        : typeof(T) == typeof(double) ? ElementType.Float64
        : typeof(T) == typeof(byte) ? ElementType.Byte
        : throw new NotSupportedException($"{typeof(T).Name} is not a stored element type");
}
