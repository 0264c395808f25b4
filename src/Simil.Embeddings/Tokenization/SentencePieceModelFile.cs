using System.Text;

namespace Simil.Embeddings.Tokenization;

/// <summary>
/// The parts of a SentencePiece model file (a protobuf <c>ModelProto</c>, sentencepiece_model.proto)
/// that BPE encoding needs and Microsoft.ML.Tokenizers does not expose: every piece with its score
/// and type, the model type and byte fallback. Read with the protobuf wire format's four rules
/// (varint, 64-bit, length-delimited, 32-bit); fields not listed are skipped.
/// </summary>
sealed class SentencePieceModelFile
{
    /// <summary>A piece's type, as sentencepiece_model.proto numbers them.</summary>
    public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

    /// <summary>One piece: its text, its score (BPE: the merge's priority, higher first), its type.</summary>
    public readonly record struct Piece(string Text, float Score, PieceType Type);

    SentencePieceModelFile(List<Piece> pieces, int modelType, bool byteFallback) => (Pieces, ModelType, ByteFallback) = (pieces, modelType, byteFallback);

    /// <summary>normalizer_spec.precompiled_charsmap: the normalization rules (empty for identity).</summary>
    public byte[] CharsMap { get; private set; } = [];

    /// <summary>normalizer_spec.add_dummy_prefix (default true): a ▁ before the text.</summary>
    public bool AddDummyPrefix { get; private set; } = true;

    /// <summary>normalizer_spec.remove_extra_whitespaces (default true).</summary>
    public bool RemoveExtraWhitespaces { get; private set; } = true;

    /// <summary>normalizer_spec.escape_whitespaces (default true): spaces as ▁.</summary>
    public bool EscapeWhitespaces { get; private set; } = true;

    /// <summary>The pieces; a piece's index is its id.</summary>
    public IReadOnlyList<Piece> Pieces { get; }

    /// <summary>trainer_spec.model_type: 1 Unigram (the default), 2 BPE, 3 word, 4 char.</summary>
    public int ModelType { get; }

    /// <summary>Whether characters outside the pieces become their UTF-8 bytes' pieces.</summary>
    public bool ByteFallback { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FileFormatException">The bytes are not a SentencePiece model (the offset named).</exception>
    public static SentencePieceModelFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pieces = new List<Piece>();
        int modelType = 1;
        bool byteFallback = false;
        byte[] charsMap = [];
        bool dummy = true, extra = true, escape = true;
        var reader = new Wire(bytes, 0, bytes.Length, path);
        while (reader.More)
        {
            var (field, wire) = reader.Tag();
            if (field == 1 && wire == 2)
            {
                var (start, end) = reader.Span();
                var inner = new Wire(bytes, start, end, path);
                string text = "";
                float score = 0;
                var type = PieceType.Normal;
                while (inner.More)
                {
                    var (f, w) = inner.Tag();
                    if (f == 1 && w == 2)
                    {
                        var (s, e) = inner.Span();
                        text = Encoding.UTF8.GetString(bytes, s, e - s);
                    }
                    else if (f == 2 && w == 5)
                        score = BitConverter.Int32BitsToSingle((int)inner.Fixed32());
                    else if (f == 3 && w == 0)
                        type = (PieceType)inner.Varint();
                    else
                        inner.Skip(w);
                }
                pieces.Add(new Piece(text, score, type));
            }
            else if (field == 2 && wire == 2)
            {
                var (start, end) = reader.Span();
                var trainer = new Wire(bytes, start, end, path);
                while (trainer.More)
                {
                    var (f, w) = trainer.Tag();
                    if (f == 3 && w == 0)
                        modelType = (int)trainer.Varint();
                    else if (f == 35 && w == 0)
                        byteFallback = trainer.Varint() != 0;
                    else
                        trainer.Skip(w);
                }
            }
            else if (field == 3 && wire == 2)
            {
                var (start, end) = reader.Span();
                var normalizer = new Wire(bytes, start, end, path);
                while (normalizer.More)
                {
                    var (f, w) = normalizer.Tag();
                    if (f == 2 && w == 2)
                    {
                        var (s, e) = normalizer.Span();
                        charsMap = bytes[s..e];
                    }
                    else if (f == 3 && w == 0)
                        dummy = normalizer.Varint() != 0;
                    else if (f == 4 && w == 0)
                        extra = normalizer.Varint() != 0;
                    else if (f == 5 && w == 0)
                        escape = normalizer.Varint() != 0;
                    else
                        normalizer.Skip(w);
                }
            }
            else
                reader.Skip(wire);
        }
        if (pieces.Count == 0)
            throw new FileFormatException(path, "byte 0", "holds no pieces: it is not a SentencePiece model", offset: 0);
        return new SentencePieceModelFile(pieces, modelType, byteFallback)
        {
            CharsMap = charsMap,
            AddDummyPrefix = dummy,
            RemoveExtraWhitespaces = extra,
            EscapeWhitespaces = escape,
        };
    }

    /// <summary>A protobuf message's bytes between two offsets.</summary>
    struct Wire(byte[] bytes, int at, int end, string path)
    {
        int _at = at;

        public readonly bool More => _at < end;

        public (int Field, int Wire) Tag()
        {
            ulong tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                Need(1);
                byte b = bytes[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                    return value;
            }
            throw Broken("a varint longer than 10 bytes");
        }

        public uint Fixed32()
        {
            Need(4);
            uint v = BitConverter.ToUInt32(bytes, _at);
            _at += 4;
            return v;
        }

        public (int Start, int End) Span()
        {
            ulong length = Varint();
            if (length > (ulong)(end - _at))
                throw Broken($"a field of {length} bytes past the message's end");
            int start = _at;
            _at += (int)length;
            return (start, _at);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Need(8); _at += 8; break;
                case 2: Span(); break;
                case 5: Need(4); _at += 4; break;
                default: throw Broken($"wire type {wire}, which no SentencePiece model uses");
            }
        }

        readonly void Need(int n)
        {
            if (end - _at < n)
                throw Broken("the file ends inside a field");
        }

        readonly FileFormatException Broken(string detail) => new(path, $"byte {_at}", detail, offset: _at);
    }
}
