using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using Simil.Storage;

namespace Simil.Indexes;

/// <summary>
/// An index file opened for reading: the whole file mapped read-only, the preamble, the section
/// table and the JSON header checked (<c>docs/index-format.md</c>, "Reading and checking"), the
/// sections not read until used. <see cref="Verify"/> reads and checks them all.
/// </summary>
sealed unsafe class IndexFile : IDisposable
{
    readonly MemoryMappedFile _map;
    readonly MemoryMappedViewAccessor _view;
    readonly Dictionary<uint, (long Offset, long Length, ulong Checksum)> _sections;
    readonly long _headerLength;
    byte* _base;

    IndexFile(string path, long length, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer,
        IndexInfo info, Dictionary<uint, (long, long, ulong)> sections)
    {
        Path = path;
        Length = length;
        _map = map;
        _view = view;
        _base = pointer;
        Info = info;
        _sections = sections;
        _headerLength = info.HeaderBytes;
    }

    /// <summary>The file's path as given.</summary>
    public string Path { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>The header, with sizes and sections.</summary>
    public IndexInfo Info { get; }

    /// <summary>The preamble's header checksum, which covers the section table and so every section's checksum.</summary>
    public ulong HeaderChecksum => _base == null ? throw new ObjectDisposedException(Path) : BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_base + 24, 8));

    /// <summary>
    /// Verifies the file unless a file of the same identity (path, length, modification time,
    /// header checksum) was verified or written before (<see cref="VerifiedFiles"/>); remembers it after.
    /// </summary>
    public void VerifyOnce(Action<IndexFile>? checkGraph = null)
    {
        var identity = VerifiedFiles.Identity(Path, HeaderChecksum);
        if (identity is { } known && VerifiedFiles.Contains(known))
            return;
        Verify(checkGraph);
        if (identity is { } verified)
            VerifiedFiles.Add(verified);
    }

    /// <summary>Remembers the index file at <paramref name="path"/>, just written by this program, as verified.</summary>
    public static void RememberWritten(string path)
    {
        using var file = Open(path);
        if (VerifiedFiles.Identity(path, file.HeaderChecksum) is { } identity)
            VerifiedFiles.Add(identity);
    }

    /// <summary>True when the file starts with the index magic (any version).</summary>
    public static bool LooksLike(ReadOnlySpan<byte> head) => head.StartsWith(IndexFormat.Magic);

    /// <summary>True when <paramref name="path"/> is a file that starts with the index magic.</summary>
    public static bool IsIndexFile(string path)
    {
        if (!File.Exists(path))
            return false;
        Span<byte> head = stackalloc byte[8];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && LooksLike(head);
    }

    /// <summary>Maps <paramref name="path"/> and checks everything but the sections' contents.</summary>
    /// <exception cref="InputException">The file is not an index file, is of a future version, truncated or damaged.</exception>
    public static IndexFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // FileShare.Delete: a writer may rename a new file over this one while it is open; this map keeps the old one.
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw IO.FileError.Opening(path, e);
        }
        long length = stream.Length;
        if (length < IndexFormat.PreambleBytes)
        {
            var head = new byte[(int)length];
            stream.ReadExactly(head);
            stream.Dispose();
            throw LooksLike(head) || (length > 0 && IndexFormat.Magic.StartsWith(head))
                ? IO.FileError.Byte(path, length, $"the file ends inside the index preamble (truncated)")
                : IO.FileError.Byte(path, 0, "not a Simil index file (it does not start with \\x89SIMIL\\r\\n)");
        }
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            try
            {
                var (info, sections) = ReadHead(path, pointer, length);
                return new IndexFile(path, length, map, view, pointer, info, sections);
            }
            catch
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                throw;
            }
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    static (IndexInfo, Dictionary<uint, (long, long, ulong)>) ReadHead(string path, byte* p, long length)
    {
        var pre = new ReadOnlySpan<byte>(p, IndexFormat.PreambleBytes);
        if (!pre.StartsWith(IndexFormat.Magic))
            throw IO.FileError.Byte(path, 0, "not a Simil index file (it does not start with \\x89SIMIL\\r\\n)");
        int major = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]), minor = BinaryPrimitives.ReadUInt16LittleEndian(pre[10..]);
        if (major != IndexFormat.Major)
            throw IO.FileError.Byte(path, 8, $"index format version {major}.{minor} is not supported by this simil (it reads {IndexFormat.Major}.x); upgrade simil");
        uint sectionCount = BinaryPrimitives.ReadUInt32LittleEndian(pre[12..]);
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(pre[16..]);
        if (sectionCount > IndexFormat.MaxSections || headerLength > IndexFormat.MaxHeaderBytes)
            throw IO.FileError.Byte(path, 12, $"{sectionCount} sections and a {headerLength}-byte header are beyond the format's limits (the file is damaged)");
        long tableEnd = IndexFormat.PreambleBytes + sectionCount * IndexFormat.TableEntryBytes;
        if (tableEnd + headerLength > length)
            throw IO.FileError.Byte(path, length, $"the file ends inside its header (truncated)");
        var table = new ReadOnlySpan<byte>(p + IndexFormat.PreambleBytes, (int)(sectionCount * IndexFormat.TableEntryBytes));
        var header = new ReadOnlySpan<byte>(p + tableEnd, (int)headerLength);
        if (IndexFileWriter.HeaderChecksum(pre[..24], table, header) != BinaryPrimitives.ReadUInt64LittleEndian(pre[24..]))
            throw IO.FileError.Byte(path, 24, "the header's checksum does not match (the preamble, section table or JSON header is damaged)");
        var info = IndexHeader.Parse(header, path, tableEnd);

        var sections = new Dictionary<uint, (long, long, ulong)>();
        var list = new List<(string, long)>();
        long previousEnd = tableEnd + headerLength;
        for (int i = 0; i < sectionCount; i++)
        {
            var entry = table.Slice(i * IndexFormat.TableEntryBytes, IndexFormat.TableEntryBytes);
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), size = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            string name = IndexFormat.Name(id);
            long at = IndexFormat.PreambleBytes + i * IndexFormat.TableEntryBytes;
            if (id != IndexFormat.Vectors && id != IndexFormat.Norms && id != IndexFormat.Keys && id != IndexFormat.Texts && id != IndexFormat.Graph
                && id != IndexFormat.Ranges && id != IndexFormat.Rescore && id != IndexFormat.KeyHash && id != IndexFormat.Metadata)
                throw IO.FileError.Byte(path, at, $"section '{name}' is not one this version knows", name);
            if (!sections.TryAdd(id, (offset, size, BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]))))
                throw IO.FileError.Byte(path, at, $"section {name} appears twice", name);
            if (offset % IndexFormat.Alignment != 0 || offset < previousEnd || size < 0)
                throw IO.FileError.Byte(path, at, $"section {name} at {offset} ({size} bytes) is misaligned or overlaps what precedes it", name);
            if (offset > length || size > length - offset)
                throw IO.FileError.Byte(path, length, $"section {name} needs bytes {offset}..{offset + size} but the file ends at {length} (truncated)", name);
            previousEnd = offset + size;
            list.Add((name, size));
        }
        if (previousEnd != length)
            throw IO.FileError.Byte(path, previousEnd, $"{length - previousEnd} bytes follow the last section");

        var precision = info.StoredPrecision;
        Need(path, sections, IndexFormat.Vectors, (long)info.Count * Search.Compressed.CompressedVectors.BytesPerRow(precision, info.Dimensions), exact: true);
        if (precision == Quantization.Precision.Int8)
            Need(path, sections, IndexFormat.Ranges, 2L * info.Dimensions * sizeof(float), exact: true);
        else if (sections.ContainsKey(IndexFormat.Ranges))
            throw new FileFormatException(path, "", $"a {info.Precision} index has a QRNG section (only int8 has ranges)", section: "QRNG");
        if (sections.ContainsKey(IndexFormat.Rescore))
        {
            if (precision == Quantization.Precision.Float32)
                throw new FileFormatException(path, "", "a float32 index has an RSCR section (its rows are float32 already)", section: "RSCR");
            Need(path, sections, IndexFormat.Rescore, (long)info.Count * info.Dimensions * sizeof(float), exact: true);
        }
        Need(path, sections, IndexFormat.Norms, (long)info.Count * sizeof(float), exact: true);
        if (sections.ContainsKey(IndexFormat.Keys))
            Need(path, sections, IndexFormat.Keys, (info.Count + 1L) * 8, exact: false);
        if (sections.ContainsKey(IndexFormat.Texts))
            Need(path, sections, IndexFormat.Texts, (info.Count + 1L) * 8, exact: false);
        if (sections.ContainsKey(IndexFormat.Metadata))
            Need(path, sections, IndexFormat.Metadata, (info.Count + 1L) * 8, exact: false);
        if (sections.TryGetValue(IndexFormat.KeyHash, out var keyHash))
        {
            if (!sections.ContainsKey(IndexFormat.Keys) && !sections.ContainsKey(IndexFormat.Texts))
                throw new FileFormatException(path, "", "the file has a KHSH section (key table) but no keys (KEYS or TEXT)", section: "KHSH");
            if (!KeyTable.Fits(keyHash.Item2, info.Count))
                throw IO.FileError.Byte(path, keyHash.Item1, $"section KHSH has {keyHash.Item2} bytes, not a power of two of 8-byte slots, at least 2 × count and 8", "KHSH");
        }
        if (info.Kind == "hnsw")
            Need(path, sections, IndexFormat.Graph, Search.Hnsw.HnswGraph.MinimumBytes(info.Count, info.Graph!.M0), exact: false);
        else if (sections.ContainsKey(IndexFormat.Graph))
            throw new FileFormatException(path, "", "a flat index has a graph section", section: "GRPH");
        return (info with
        {
            Bytes = length,
            HeaderBytes = headerLength,
            HasKeys = sections.ContainsKey(IndexFormat.Keys),
            HasTexts = sections.ContainsKey(IndexFormat.Texts),
            HasFloat32 = precision == Quantization.Precision.Float32 || sections.ContainsKey(IndexFormat.Rescore),
            Sections = list,
        }, sections);
    }

    static void Need(string path, Dictionary<uint, (long Offset, long Length, ulong)> sections, uint id, long bytes, bool exact)
    {
        if (!sections.TryGetValue(id, out var s))
            throw new FileFormatException(path, "", $"the file has no {IndexFormat.Name(id)} section", section: IndexFormat.Name(id));
        if (exact ? s.Length != bytes : s.Length < bytes)
            throw IO.FileError.Byte(path, s.Offset, $"section {IndexFormat.Name(id)} has {s.Length} bytes but the header's count and dimensions need {(exact ? "" : "at least ")}{bytes}", IndexFormat.Name(id));
    }

    /// <summary>Whether the file has section <paramref name="id"/>.</summary>
    public bool Has(uint id) => _sections.ContainsKey(id);

    /// <summary>A pointer to section <paramref name="id"/>'s first byte and its length.</summary>
    public (nint Pointer, long Length) Section(uint id)
    {
        if (_base == null)
            throw new ObjectDisposedException(Path);
        var s = _sections[id];
        return ((nint)(_base + s.Offset), s.Length);
    }

    /// <summary>The float32 vectors, read in place from the map: <c>VECT</c> of a float32 index, <c>RSCR</c> of a compressed one; null when a compressed index keeps none.</summary>
    public VectorRows? Vectors()
    {
        uint id = Info.StoredPrecision == Quantization.Precision.Float32 ? IndexFormat.Vectors : IndexFormat.Rescore;
        return Has(id) ? new PointerRows(this, (byte*)Section(id).Pointer, ElementType.Float32, Info.Count, Info.Dimensions) : null;
    }

    /// <summary>The codes of a compressed index (<c>VECT</c>), a row of bytes per vector.</summary>
    public VectorRows Codes() => new PointerRows(this, (byte*)Section(IndexFormat.Vectors).Pointer, ElementType.Byte, Info.Count,
        Search.Compressed.CompressedVectors.BytesPerRow(Info.StoredPrecision, Info.Dimensions));

    /// <summary>The int8 quantization ranges (<c>QRNG</c>), or null.</summary>
    public Quantization.QuantizationRanges? Ranges()
    {
        if (!Has(IndexFormat.Ranges))
            return null;
        var all = new ReadOnlySpan<float>((void*)Section(IndexFormat.Ranges).Pointer, 2 * Info.Dimensions);
        return new(all[..Info.Dimensions].ToArray(), all[Info.Dimensions..].ToArray());
    }

    /// <summary>Each row's length ‖x‖.</summary>
    public ReadOnlySpan<float> Norms()
    {
        var (p, length) = Section(IndexFormat.Norms);
        return new ReadOnlySpan<float>((void*)p, (int)(length / sizeof(float)));
    }

    /// <summary>The rows' keys: the KEYS table, else the source texts, else null.</summary>
    public IReadOnlyList<string>? Keys() => Strings(IndexFormat.Keys) ?? Strings(IndexFormat.Texts);

    /// <summary>The source texts (TEXT), or null.</summary>
    public IReadOnlyList<string>? Texts() => Strings(IndexFormat.Texts);

    /// <summary>Each row's metadata as one JSON object, empty for none (META, format 1.3), or null.</summary>
    public IReadOnlyList<string>? Metadata() => Strings(IndexFormat.Metadata);

    /// <summary>The id of the string table that serves as keys (KEYS, else TEXT); 0 when there is none.</summary>
    uint KeySection => Has(IndexFormat.Keys) ? IndexFormat.Keys : Has(IndexFormat.Texts) ? IndexFormat.Texts : 0;

    /// <summary>
    /// Finds a key's first row through the file's key table (KHSH): a few slots and one string
    /// read, whatever the count. Null for a file without one (1.0 and 1.1 files, or no keys).
    /// </summary>
    public Func<string, int>? KeyLookup()
    {
        uint keys = KeySection;
        if (keys == 0 || !Has(IndexFormat.KeyHash))
            return null;
        string name = IndexFormat.Name(keys);
        return key =>
        {
            var (table, tableLength) = Section(IndexFormat.KeyHash);
            var (strings, stringsLength) = Section(keys);
            return KeyTable.Find((byte*)table, tableLength, (byte*)strings, stringsLength, Info.Count, key, Path, name);
        };
    }

    IReadOnlyList<string>? Strings(uint id)
    {
        if (!Has(id))
            return null;
        var (p, length) = Section(id);
        return new MappedStrings((byte*)p, length, Info.Count, Path, IndexFormat.Name(id));
    }

    /// <summary>Reads every section and checks its checksum, then its structure; the first fault is thrown.</summary>
    /// <param name="checkGraph">Checks the graph section's lists (the HNSW reader knows them).</param>
    public void Verify(Action<IndexFile>? checkGraph = null)
    {
        // The padding before each section must be zeros: no byte of the file goes unchecked.
        long gapStart = IndexFormat.PreambleBytes + _sections.Count * IndexFormat.TableEntryBytes + _headerLength;
        foreach (var s in _sections.Values.OrderBy(e => e.Offset))
        {
            for (long at = gapStart; at < s.Offset; at++)
                if (_base[at] != 0)
                    throw IO.FileError.Byte(Path, at, $"the padding before a section is not zero: the file is damaged");
            gapStart = s.Offset + s.Length;
        }
        foreach (var (id, s) in _sections.OrderBy(e => e.Value.Offset))
        {
            var hash = new XxHash3();
            for (long done = 0; done < s.Length;)
            {
                int n = (int)Math.Min(1 << 30, s.Length - done);
                hash.Append(new ReadOnlySpan<byte>(_base + s.Offset + done, n));
                done += n;
            }
            if (hash.GetCurrentHashAsUInt64() != s.Checksum)
                throw IO.FileError.Byte(Path, s.Offset, $"section {IndexFormat.Name(id)} ({s.Length} bytes) does not match its checksum: it is damaged", IndexFormat.Name(id));
        }
        foreach (uint id in new[] { IndexFormat.Keys, IndexFormat.Texts, IndexFormat.Metadata })
            if (Has(id))
            {
                var (p, length) = Section(id);
                StringTable.Check((byte*)p, length, Info.Count, Path, IndexFormat.Name(id));
            }
        if (Has(IndexFormat.KeyHash))
        {
            var (table, tableLength) = Section(IndexFormat.KeyHash);
            var (strings, stringsLength) = Section(KeySection);
            KeyTable.Check((byte*)table, tableLength, (byte*)strings, stringsLength, Info.Count, Path, IndexFormat.Name(KeySection));
        }
        var norms = Norms();
        for (int i = 0; i < norms.Length; i++)
            if (!float.IsFinite(norms[i]) || norms[i] < 0)
                throw IO.FileError.Section(Path, "NORM", $"row {i + 1} has length {norms[i]}");
        checkGraph?.Invoke(this);
    }

    public void Dispose()
    {
        if (_base == null)
            return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    /// <summary>The vector section as rows, kept valid by the file that owns the map (disposing the rows does nothing).</summary>
    sealed class PointerRows(IndexFile owner, byte* data, ElementType type, int count, int dimensions) : VectorRows(type, count, dimensions, dimensions)
    {
        protected override ref byte Start => ref *(owner._base != null ? data : throw new ObjectDisposedException(owner.Path));

        /// <inheritdoc/>
        public override void Release(int first, int count)
        {
            if (owner._base != null)
                MappedPages.Release(this, data, first, count);
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
