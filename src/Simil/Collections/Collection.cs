using Simil.Filters;

namespace Simil.Collections;

/// <summary>
/// A collection as of one moment (<c>docs/collection-format.md</c>): the segments and deletions its
/// manifest names plus the rows and deletes of its write-ahead log, read without the writer's lock
/// — a snapshot that writers never change under it. A single <c>.simil</c> index file opens as a
/// read-only collection of one segment. Search, get and list by id; <see cref="CollectionWriter"/> writes.
/// </summary>
public sealed class Collection : IDisposable
{
    /// <summary>One segment of the snapshot: its index (mapped), and which of its rows are gone.</summary>
    internal sealed class Segment(SegmentEntry entry, VectorIndex index, ulong[] deleted)
    {
        public SegmentEntry Entry { get; } = entry;
        public VectorIndex Index { get; } = index;
        public ulong[] Deleted { get; } = deleted;
        public int DeletedCount { get; set; } = (int)DeletionFile.Count(deleted);
        /// <summary>Rows deleted since the manifest's deletion file (by the log): a flush writes a new file.</summary>
        public bool Changed { get; set; }

        public bool IsDeleted(int row) => (Deleted[row >> 6] & (1UL << (row & 63))) != 0;

        public bool Delete(int row)
        {
            if (IsDeleted(row))
                return false;
            Deleted[row >> 6] |= 1UL << (row & 63);
            DeletedCount++;
            Changed = true;
            return true;
        }

        public string? Metadata(int row) => Index.Metadata is { } m && m[row].Length > 0 ? m[row] : null;

        public string? Text(int row) => Index.Texts?[row] ?? (Index.Model is not null ? Index.Corpus.Keys?[row] : null);
    }

    readonly List<Segment> _segments;
    readonly OrderedDictionary<string, CollectionRow> _log = new(StringComparer.Ordinal);

    Collection(string path, Manifest? manifest, List<Segment> segments, int dimensions, Metric metric, string? model)
    {
        Path = path;
        Manifest = manifest;
        _segments = segments;
        Dimensions = dimensions;
        Metric = metric;
        Model = model;
    }

    /// <summary>The folder (or index file) the collection was opened from.</summary>
    public string Path { get; }

    /// <summary>The manifest of the snapshot; null for a single index file.</summary>
    public Manifest? Manifest { get; private set; }

    /// <summary>Every row's length.</summary>
    public int Dimensions { get; }

    /// <summary>The measure the segments rank by.</summary>
    public Metric Metric { get; }

    /// <summary>The model that embedded the texts, or null.</summary>
    public string? Model { get; }

    /// <summary>True for a single index file (no log, no deletes, not writable).</summary>
    public bool IsSingleFile => Manifest is null;

    /// <summary>Live rows: the segments' rows not deleted, plus the log's.</summary>
    public long Count => _segments.Sum(s => (long)s.Index.Count - s.DeletedCount) + _log.Count;

    /// <summary>Rows of the segments that are deleted (by their deletion files and the log).</summary>
    public long Deleted => _segments.Sum(s => (long)s.DeletedCount);

    /// <summary>The segments: file, rows, deleted rows.</summary>
    public IReadOnlyList<(string File, int Rows, int Deleted)> Segments => [.. _segments.Select(s => (s.Entry.File, s.Index.Count, s.DeletedCount))];

    /// <summary>Rows held in the write-ahead log (not yet in a segment).</summary>
    public int LogRows => _log.Count;

    /// <summary>Bytes of whole frames in the write-ahead log as read.</summary>
    public long LogBytes { get; private set; }

    /// <summary>The sequence number the next log record takes.</summary>
    public long NextSequence { get; internal set; }

    internal IReadOnlyList<Segment> SegmentList => _segments;

    internal OrderedDictionary<string, CollectionRow> LogRowsById => _log;

    /// <summary>True when <paramref name="path"/> is a collection folder (it has a <c>CURRENT</c> file).</summary>
    public static bool IsCollection(string path) => Directory.Exists(path) && File.Exists(System.IO.Path.Combine(path, Manifest.CurrentFile));

    /// <summary>
    /// Opens a snapshot of the collection folder, or of a single index file as a one-segment
    /// collection. Segments are mapped and verified once per file identity, as index files are.
    /// </summary>
    /// <exception cref="InputException">The path is neither, or a file of the collection is damaged (named).</exception>
    public static Collection Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            var index = VectorIndex.Open(path);
            try
            {
                index.VerifyOnce();
                var segment = new Segment(new SegmentEntry(System.IO.Path.GetFileName(path), index.Count, null, 0), index, new ulong[DeletionFile.Words(index.Count)]);
                return new Collection(path, null, [segment], index.Dimensions, index.Metric, index.Model);
            }
            catch
            {
                index.Dispose();
                throw;
            }
        }
        if (!IsCollection(path))
            throw new InputException(path, Directory.Exists(path) ? "is a folder but not a collection (it has no CURRENT file)" : "no such file or collection");
        // A writer may switch the manifest and delete the files of the old one between our reading
        // CURRENT and opening them: then CURRENT names a newer manifest, and we take that one.
        for (int attempt = 0; ; attempt++)
        {
            var manifest = Manifest.ReadCurrent(path);
            try
            {
                return OpenManifest(path, manifest);
            }
            catch (Exception) when (attempt < 20 && Manifest.ReadCurrent(path).Generation != manifest.Generation)
            {
            }
        }
    }

    static Collection OpenManifest(string path, Manifest manifest)
    {
        var segments = new List<Segment>();
        try
        {
            foreach (var entry in manifest.Segments)
            {
                var index = VectorIndex.Open(System.IO.Path.Combine(path, entry.File));
                segments.Add(new Segment(entry, index, new ulong[DeletionFile.Words(index.Count)]));
                index.VerifyOnce();
                if (index.Count != entry.Rows || index.Dimensions != manifest.Dimensions || index.Metric != manifest.Build.Metric)
                    throw new FileFormatException(System.IO.Path.Combine(path, entry.File), "", $"has {index.Count} rows of {index.Dimensions} ({index.Metric.Name()}) but the manifest says {entry.Rows} of {manifest.Dimensions} ({manifest.Build.Metric.Name()})");
                if (entry.DeletedFile is { } deleted)
                {
                    DeletionFile.Read(System.IO.Path.Combine(path, deleted), index.Count).CopyTo(segments[^1].Deleted, 0);
                    segments[^1].DeletedCount = (int)DeletionFile.Count(segments[^1].Deleted);
                }
            }
            string log = System.IO.Path.Combine(path, manifest.Log);
            if (!File.Exists(log))
                throw new FileFormatException(log, "", "the manifest names this write-ahead log but it does not exist (the collection is damaged)");
            var collection = new Collection(path, manifest, segments, manifest.Dimensions, manifest.Build.Metric, manifest.Model);
            collection._logLength = collection.Replay(log).FileLength;
            return collection;
        }
        catch
        {
            foreach (var s in segments)
                s.Index.Dispose();
            throw;
        }
    }

    /// <summary>The log's length when the snapshot read it (whole records and any torn tail).</summary>
    long _logLength;

    /// <summary>
    /// True while the folder still holds exactly this snapshot: <c>CURRENT</c> names its manifest and
    /// the log has grown by nothing since it was read (two small reads, no row read): a reader that
    /// keeps a snapshot open asks this before each use and opens a new one when it is false. Always
    /// true for a single index file, which never changes in place (a rewrite replaces it).
    /// </summary>
    public bool IsCurrent()
    {
        if (Manifest is null)
            return true;
        try
        {
            // CURRENT's first word names the manifest (a new manifest, a new name): reading the few
            // bytes of CURRENT is enough, without reading or hashing the manifest itself.
            var current = File.ReadAllText(System.IO.Path.Combine(Path, Manifest.CurrentFile), System.Text.Encoding.ASCII);
            int space = current.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !current.AsSpan(0, space).SequenceEqual(Manifest.FileName))
                return false;
            return new FileInfo(System.IO.Path.Combine(Path, Manifest.Log)).Length == _logLength;
        }
        catch (Exception e) when (e is IOException or InputException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Applies the log's whole, in-sequence records; returns the length they take and the log file's.</summary>
    internal (long Valid, long FileLength) Replay(string logPath)
    {
        var (payloads, length) = WriteAheadLog.Read(logPath, mustExist: true);
        long expected = Manifest!.LogStart, valid = 0;
        foreach (var payload in payloads)
        {
            // A record out of sequence or not decodable ends the log, as a bad CRC does.
            if (LogRecord.Decode(payload, Dimensions) is not { } record || record.Sequence != expected)
                break;
            Apply(record);
            expected++;
            valid += 8 + payload.Length;
        }
        LogBytes = valid;
        NextSequence = expected;
        return (valid, length);
    }

    /// <summary>Applies one record: an upsert replaces any live row of its id, a delete removes it.</summary>
    internal void Apply(LogRecord record)
    {
        foreach (var id in (IEnumerable<string>?)record.Deletes ?? record.Upserts!.Select(r => r.Id))
            Remove(id);
        if (record.Upserts is { } rows)
            foreach (var row in rows)
                _log[row.Id] = row;
    }

    /// <summary>Removes the live row of <paramref name="id"/> wherever it is; true when there was one.</summary>
    internal bool Remove(string id)
    {
        if (_log.Remove(id))
            return true;
        for (int s = _segments.Count - 1; s >= 0; s--)
        {
            int row = _segments[s].Index.Corpus.IndexOf(id);
            if (row >= 0 && _segments[s].Delete(row))
                return true;
        }
        return false;
    }

    /// <summary>After a flush: the snapshot's new manifest and segments, the log emptied into them.</summary>
    internal void Reset(Manifest manifest, IEnumerable<Segment> segments)
    {
        Manifest = manifest;
        _segments.Clear();
        _segments.AddRange(segments);
        _log.Clear();
        LogBytes = 0;
        _logLength = 0;
        NextSequence = manifest.LogStart;
    }

    /// <summary>After the writer's own append: the log's length now, so that <see cref="IsCurrent"/> stays true for its own writes.</summary>
    internal void Appended(long logLength)
    {
        LogBytes = logLength;
        _logLength = logLength;
    }

    /// <summary>
    /// Every live row as one matrix (float32, ids as keys), segments oldest first then the log: how
    /// a command that reads whole files (explain, matrix, export …) reads a collection.
    /// </summary>
    public EmbeddingMatrix LiveRows()
    {
        var data = new float[Count * Dimensions];
        var ids = new List<string>((int)Count);
        int at = 0;
        foreach (var segment in _segments)
        {
            var keys = segment.Index.Corpus.Keys;
            for (int row = 0; row < segment.Index.Count; row++)
            {
                if (segment.IsDeleted(row))
                    continue;
                segment.Index.Corpus[row].CopyTo(data.AsSpan(at++ * Dimensions, Dimensions));
                ids.Add(keys?[row] ?? row.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        foreach (var (id, row) in _log)
        {
            row.Vector.CopyTo(data.AsSpan(at++ * Dimensions, Dimensions));
            ids.Add(id);
        }
        return EmbeddingMatrix.Create(data, Dimensions, ids);
    }

    /// <summary>
    /// Reads every section of every segment and checks its checksum and structure (the deletion
    /// files and the log are checked on open); returns the bytes after the log's last whole record
    /// (a write that was in progress or cut by a crash, which the next writer removes).
    /// </summary>
    /// <exception cref="InputException">A file is damaged (named).</exception>
    public long Verify()
    {
        foreach (var segment in _segments)
            segment.Index.Verify();
        if (Manifest is null)
            return 0;
        string log = System.IO.Path.Combine(Path, Manifest.Log);
        return new FileInfo(log).Length - LogBytes;
    }

    /// <summary>True when a live row has <paramref name="id"/> (nothing of the row is read).</summary>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_log.ContainsKey(id))
            return true;
        foreach (var segment in _segments)
            if (segment.Index.Corpus.IndexOf(id) is int row and >= 0 && !segment.IsDeleted(row))
                return true;
        return false;
    }

    /// <summary>The live row of <paramref name="id"/>, or null.</summary>
    public CollectionRow? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_log.TryGetValue(id, out var logged))
            return logged;
        for (int s = _segments.Count - 1; s >= 0; s--)
        {
            var segment = _segments[s];
            int row = segment.Index.Corpus.IndexOf(id);
            if (row >= 0 && !segment.IsDeleted(row))
                return new CollectionRow(id, segment.Index.Corpus[row].ToArray(), segment.Metadata(row), segment.Text(row));
        }
        return null;
    }

    /// <summary>The ids of the live rows that <paramref name="filter"/> keeps (every live row without one), segments first, oldest first, then the log's.</summary>
    public IEnumerable<string> Ids(Filter? filter = null)
    {
        foreach (var segment in _segments)
        {
            var keys = segment.Index.Corpus.Keys;
            for (int row = 0; row < segment.Index.Count; row++)
                if (!segment.IsDeleted(row) && (filter is null || filter.Matches(segment.Metadata(row))))
                    yield return keys?[row] ?? row.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var (id, row) in _log)
            if (filter is null || filter.Matches(row.Metadata))
                yield return id;
    }

    /// <summary>
    /// The live rows that <paramref name="filter"/> keeps (every live row without one), whole
    /// (vector copied, metadata, text), in <see cref="Ids"/>'s order: read lazily, row by row.
    /// </summary>
    public IEnumerable<CollectionRow> Rows(Filter? filter = null)
    {
        foreach (var segment in _segments)
        {
            var keys = segment.Index.Corpus.Keys;
            for (int row = 0; row < segment.Index.Count; row++)
            {
                if (segment.IsDeleted(row))
                    continue;
                string? metadata = segment.Metadata(row);
                if (filter is not null && !filter.Matches(metadata))
                    continue;
                yield return new CollectionRow(keys?[row] ?? row.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    segment.Index.Corpus[row].ToArray(), metadata, segment.Text(row));
            }
        }
        foreach (var (_, row) in _log)
            if (filter is null || filter.Matches(row.Metadata))
                yield return row;
    }

    /// <summary>
    /// The <paramref name="k"/> best live rows for <paramref name="query"/> that <paramref name="filter"/>
    /// keeps, best first, with one-to-one kernel scores: each segment searched with deleted and
    /// filtered-out rows excluded inside the search (an HNSW walk keeps <paramref name="ef"/> allowed
    /// candidates; a filter estimated to keep few rows is scanned exactly instead), the log's rows
    /// scored exactly, and the lists merged (ties to the older segment, then the lower row).
    /// <paramref name="oversample"/> is <see cref="SearchOptions.Oversample"/> for segments of
    /// compressed vectors (refused, as there, for float32 ones).
    /// </summary>
    public CollectionHit[] Search(ReadOnlySpan<float> query, int k, Filter? filter = null, int? ef = null, bool exact = false, int? oversample = null)
    {
        if (k < 1)
            throw new InvalidSettingException(nameof(SearchOptions.K), $"{k} is below 1; ask for at least one neighbour");
        if (query.Length != Dimensions)
            Throw.LengthMismatch(query.Length, Dimensions);
        if (oversample is not null && (Manifest?.Build.Precision ?? (_segments.Count > 0 ? _segments[0].Index.Precision : Quantization.Precision.Float32)) == Quantization.Precision.Float32)
            throw new InvalidSettingException(nameof(SearchOptions.Oversample), "applies to compressed indexes; this one stores float32 rows, whose candidates are scored exactly already");
        bool higher = Metric.HigherIsCloser();
        var hits = new List<(float Score, int Segment, int Row, CollectionHit Hit)>();
        for (int s = 0; s < _segments.Count; s++)
        {
            var segment = _segments[s];
            if (segment.Index.Count == segment.DeletedCount)
                continue;
            var allowed = new Allowed(segment, filter);
            bool hnsw = segment.Index is HnswIndex;
            var options = new SearchOptions
            {
                K = k,
                Ef = hnsw && !exact ? Math.Max(ef ?? HnswIndex.DefaultEf, k) : null,
                Filter = filter is null && segment.DeletedCount == 0 ? null : allowed,
                Exact = hnsw && (exact || (filter is not null && allowed.FewAllowed(Math.Max(ef ?? HnswIndex.DefaultEf, k)))),
                Oversample = oversample,
            };
            var keys = segment.Index.Corpus.Keys;
            foreach (var n in segment.Index.Search(query, options))
            {
                string id = keys?[n.Index] ?? n.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                hits.Add((n.Score, s, n.Index, new CollectionHit(id, n.Score, segment.Metadata(n.Index), segment.Text(n.Index))));
            }
        }
        int order = 0;
        foreach (var (id, row) in _log)
        {
            if (filter is null || filter.Matches(row.Metadata))
            {
                float score = Similarity.Compute(Metric, query, row.Vector);
                hits.Add((score, _segments.Count, order, new CollectionHit(id, score, row.Metadata, row.Text)));
            }
            order++;
        }
        hits.Sort((a, b) =>
        {
            int c = higher ? b.Score.CompareTo(a.Score) : a.Score.CompareTo(b.Score);
            return c != 0 ? c : a.Segment != b.Segment ? a.Segment.CompareTo(b.Segment) : a.Row.CompareTo(b.Row);
        });
        return [.. hits.Take(k).Select(h => h.Hit)];
    }

    /// <summary>A segment's rows that are neither deleted nor refused by the filter (the filter's verdicts kept as they are asked).</summary>
    sealed class Allowed(Segment segment, Filter? filter) : IRowFilter
    {
        readonly sbyte[]? _verdicts = filter is null ? null : new sbyte[segment.Index.Count];

        public bool Allows(int row)
        {
            if (segment.IsDeleted(row))
                return false;
            if (_verdicts is null)
                return true;
            int v = Volatile.Read(ref _verdicts[row]);
            if (v == 0)
            {
                v = filter!.Matches(segment.Metadata(row)) ? 1 : -1;
                Volatile.Write(ref _verdicts[row], (sbyte)v);
            }
            return v > 0;
        }

        /// <summary>
        /// The planner: the filter's selectivity estimated on up to 1,000 rows spread over the
        /// segment; true when it keeps fewer than 5 % of the rows or fewer than <paramref name="ef"/>,
        /// where an exact scan of the allowed rows beats a walk through refused ones.
        /// </summary>
        public bool FewAllowed(int ef)
        {
            int count = segment.Index.Count, sample = Math.Min(count, 1000), kept = 0;
            for (int i = 0; i < sample; i++)
                if (Allows((int)((long)i * count / sample)))
                    kept++;
            double estimate = (double)kept / sample * count;
            return estimate < Math.Max(ef, 0.05 * count);
        }
    }

    /// <summary>Releases the segments' maps.</summary>
    public void Dispose()
    {
        foreach (var s in _segments)
            s.Index.Dispose();
    }
}
