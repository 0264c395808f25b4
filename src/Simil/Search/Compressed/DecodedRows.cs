using System.Runtime.InteropServices;
using Simil.Storage;

namespace Simil.Search.Compressed;

/// <summary>
/// The float32 rows of a compressed index that keeps no float32 rows: decoded from the codes the
/// first time a row is read (<see cref="CompressedVectors.Decode"/>), never before, so opening and
/// searching such an index do not pay for it; reading the index as vectors (compare, matrix, add)
/// does, once.
/// </summary>
sealed unsafe class DecodedRows(CompressedVectors codes) : VectorRows(ElementType.Float32, codes.Count, codes.Dimensions, codes.Dimensions)
{
    readonly Lock _gate = new();
    float* _data;

    protected override ref byte Start
    {
        get
        {
            if (_data == null)
                Materialize();
            return ref *(byte*)_data;
        }
    }

    void Materialize()
    {
        lock (_gate)
        {
            if (_data != null)
                return;
            int d = codes.Dimensions;
            var data = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, (long)codes.Count * d * sizeof(float)), 64);
            Parallel.For(0, codes.Count, r => codes.Decode(r, new Span<float>(data + (long)r * d, d)));
            _data = data;
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (_data != null)
                NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }
}
