namespace Simil.IO;

/// <summary>The file formats Simil reads and writes vectors in.</summary>
public enum VectorFileFormat
{
    /// <summary>NumPy <c>.npy</c>: float32 or float64, C order, one or two dimensions.</summary>
    Npy,

    /// <summary>Numbers separated by whitespace, one row a line, as <c>numpy.savetxt</c> writes and <c>numpy.loadtxt</c> reads.</summary>
    Text,

    /// <summary>Comma-separated numbers, one row a line.</summary>
    Csv,

    /// <summary>Tab-separated numbers, one row a line.</summary>
    Tsv,

    /// <summary>word2vec text: a <c>count dimensions</c> header, then <c>key v1 … vd</c> lines (fastText <c>.vec</c> too).</summary>
    Word2VecText,

    /// <summary>word2vec binary: a text header, then each key, a space and <c>d</c> little-endian float32 values.</summary>
    Word2VecBinary,

    /// <summary>GloVe: <c>key v1 … vd</c> lines with no header.</summary>
    GloVe,

    /// <summary><c>.fvecs</c>: each vector as an int32 dimension count followed by that many float32 values.</summary>
    Fvecs,

    /// <summary>JSON Lines: <c>{"id": …, "vector": […]}</c> or <c>{"text": …}</c> objects, one a line.</summary>
    JsonLines,

    /// <summary>NumPy <c>.npy</c> of dtype uint16 whose values are bfloat16 bit patterns (NumPy has no bfloat16 dtype).</summary>
    NpyBFloat16,

    /// <summary>Plain text: one text a line, to be embedded by a model.</summary>
    PlainText,
}
