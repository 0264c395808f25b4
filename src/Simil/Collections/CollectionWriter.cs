using Simil.Filters;

namespace Simil.Collections;

/// <summary>
/// The one writer of a collection folder (<c>docs/collection-format.md</c>): it holds the folder's
/// lock from <see cref="Open(string, TimeSpan?, Action?)"/> to <see cref="Dispose"/>, replays the log, and makes every write
/// durable before returning (one log record, fsynced); once the log holds
/// <see cref="Manifest.FlushRows"/> rows it is flushed into a new segment. Readers
/// (<see cref="Collection.Open(string)"/>) never wait for it.
/// </summary>
public sealed class CollectionWriter : IDisposable
{
    readonly WriterLock _lock;
    readonly Collection _state;
    WriteAheadLog _log;

    CollectionWriter(WriterLock writerLock, Collection state, WriteAheadLog log)
    {
        _lock = writerLock;
        _state = state;
        _log = log;
    }

    /// <summary>The collection as this writer sees it (its writes included).</summary>
    public Collection State => _state;

    /// <summary>
    /// Makes an empty collection in <paramref name="folder"/> (created; it must not exist or be empty)
    /// whose segments are built as <paramref name="build"/> says.
    /// </summary>
    /// <exception cref="InputException">The folder exists and is not empty.</exception>
    /// <exception cref="InvalidSettingException">A build setting is out of range.</exception>
    public static void Create(string folder, int dimensions, IndexBuildOptions build, string? model = null, int flushRows = 20_000) =>
        Create(folder, dimensions, build, null, model, flushRows);

    /// <summary>
    /// Makes a collection in <paramref name="folder"/> whose first segment is <paramref name="first"/>
    /// (built with <paramref name="build"/>; its keys are the rows' ids, which must be unique), as
    /// <c>index build</c> does.
    /// </summary>
    public static void Create(string folder, IndexBuildOptions build, VectorIndex first, int flushRows = 20_000)
    {
        ArgumentNullException.ThrowIfNull(first);
        if (first.Count > 0 && first.Corpus.Keys is { } keys && keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
            throw new InvalidSettingException(VectorIndex.RowsSetting, "ids repeat; every row of a collection has its own id");
        Create(folder, first.Dimensions, build, first, first.Model, flushRows);
    }

    static void Create(string folder, int dimensions, IndexBuildOptions build, VectorIndex? first, string? model, int flushRows)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(build);
        build.Check(dimensions);
        if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            throw new InputException(folder, "already exists; a new collection needs a new (or empty) folder");
        Directory.CreateDirectory(folder);
        using var writerLock = WriterLock.Acquire(folder, TimeSpan.Zero);
        const string log = "wal-000001.log";
        using (WriteAheadLog.OpenForAppend(Path.Combine(folder, log), 0))
        {
        }
        var segments = new List<SegmentEntry>();
        if (first is { Count: > 0 })
        {
            const string name = "seg-000003.simil";
            first.Save(Path.Combine(folder, name));
            segments.Add(new SegmentEntry(name, first.Count, null, 0));
        }
        new Manifest
        {
            Generation = 2, Dimensions = dimensions, Build = build, Model = model, Segments = segments, Log = log, LogStart = 0, NextFile = 4, FlushRows = flushRows,
        }.Commit(folder);
    }

    /// <summary>
    /// Takes the lock of the collection in <paramref name="folder"/> (waiting up to
    /// <paramref name="wait"/>, default 60 s, for another writer; <paramref name="waiting"/> is told
    /// once after a second), reads its state and replays its log, cutting a torn tail.
    /// </summary>
    public static CollectionWriter Open(string folder, TimeSpan? wait = null, Action? waiting = null) => Open(folder, wait, waiting, null);

    /// <summary>
    /// As <see cref="Open(string, TimeSpan?, Action?)"/>, but with the state a writer of this process
    /// handed back (<see cref="Detach"/>): once the lock is taken, a state that is still current (no
    /// other writer has written since) is used as it is, without reading the manifest or replaying
    /// the log; otherwise it is closed and the collection read again. Writes that come one at a time
    /// through one object (a vector store's upserts) then cost their own append, not a replay.
    /// </summary>
    public static CollectionWriter Open(string folder, TimeSpan? wait, Action? waiting, Collection? previous)
    {
        if (File.Exists(folder))
            throw new InputException(folder, "is a single index file, which cannot change; build a collection (a folder) from it");
        if (!Collection.IsCollection(folder))
            throw new InputException(folder, Directory.Exists(folder) ? "is a folder but not a collection (it has no CURRENT file)" : "no such collection");
        WriterLock writerLock;
        try
        {
            writerLock = WriterLock.Acquire(folder, wait ?? TimeSpan.FromSeconds(60), waiting);
        }
        catch
        {
            previous?.Dispose();
            throw;
        }
        Collection? state = null;
        try
        {
            if (previous is not null && previous.Path == folder && previous.IsCurrent())
                state = previous;
            else
            {
                previous?.Dispose();
                state = Collection.Open(folder);
            }
            var log = WriteAheadLog.OpenForAppend(Path.Combine(folder, state.Manifest!.Log), state.LogBytes);
            return new CollectionWriter(writerLock, state, log);
        }
        catch
        {
            state?.Dispose();
            writerLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds <paramref name="rows"/>, each replacing the live row of its id, as one durable write;
    /// returns how many replaced a row. Ids must be unique within the batch.
    /// </summary>
    /// <exception cref="InvalidSettingException">A vector's length differs, an id is empty or repeated, or metadata is not a JSON object (setting <c>Rows</c>).</exception>
    public int Upsert(IReadOnlyList<CollectionRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (string.IsNullOrEmpty(row.Id))
                throw new InvalidSettingException(VectorIndex.RowsSetting, "a row has an empty id");
            if (!seen.Add(row.Id))
                throw new InvalidSettingException(VectorIndex.RowsSetting, $"the id '{row.Id}' appears twice in one write");
            if (row.Vector.Length != _state.Dimensions)
                throw new InvalidSettingException(VectorIndex.RowsSetting, $"'{row.Id}' has {row.Vector.Length} dimensions but the collection has {_state.Dimensions}");
            if (!row.Vector.All(float.IsFinite))
                throw new InvalidSettingException(VectorIndex.RowsSetting, $"'{row.Id}' has a value that is not finite");
            if (row.Metadata is { Length: > 0 } metadata && !IsObject(metadata))
                throw new InvalidSettingException(VectorIndex.RowsSetting, $"the metadata of '{row.Id}' is not one JSON object");
        }
        if (rows.Count == 0)
            return 0;
        int replaced = rows.Count(r => _state.Contains(r.Id));
        Write(new LogRecord(_state.NextSequence, [.. rows], null));
        return replaced;
    }

    static bool IsObject(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Deletes the live rows of <paramref name="ids"/> as one durable write; returns how many there were.</summary>
    public int Delete(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var present = ids.Distinct(StringComparer.Ordinal).Where(_state.Contains).ToList();
        if (present.Count > 0)
            Write(new LogRecord(_state.NextSequence, null, present));
        return present.Count;
    }

    /// <summary>Deletes every live row <paramref name="filter"/> keeps (resolved to ids now, logged as ids); returns how many.</summary>
    public int DeleteWhere(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Delete([.. _state.Ids(filter)]);
    }

    void Write(LogRecord record)
    {
        var payload = record.Encode();
        _log.Append(payload);   // durable from here: the write is acknowledged when this returns
        _state.Apply(record);
        _state.NextSequence = record.Sequence + 1;
        _state.Appended(_log.Length);
        if (_state.LogRows >= _state.Manifest!.FlushRows)
        {
            // The write is durable in the log already: a flush or compaction that cannot be written
            // (a full disk) leaves the state as it was and is tried again by the next write.
            try
            {
                Flush();
                if (NeedsCompaction)
                    Compact();
                FlushFailure = null;
            }
            catch (InputException e)
            {
                FlushFailure = e.Message;
            }
        }
    }

    /// <summary>
    /// Why the last flush or compaction that a write started could not be written (null when it
    /// could, or none ran): the write itself is durable in the log; its rows stay there until a
    /// later write or <see cref="Compact"/> writes them as a segment.
    /// </summary>
    public string? FlushFailure { get; private set; }

    /// <summary>
    /// After a flush: more than <see cref="Manifest.CompactDeleted"/> of the segments' rows deleted, or
    /// more than <see cref="MaxSegments"/> segments, makes the writer compact (Qdrant's vacuum).
    /// </summary>
    bool NeedsCompaction
    {
        get
        {
            long rows = _state.Segments.Sum(s => (long)s.Rows);
            return _state.Segments.Count > MaxSegments || (rows > 0 && _state.Deleted > _state.Manifest!.CompactDeleted * rows);
        }
    }

    /// <summary>Segments beyond which a flush is followed by a compaction.</summary>
    public const int MaxSegments = 16;

    /// <summary>
    /// Writes the log's rows as a new segment and the changed deletions as new deletion files, starts
    /// an empty log and switches the manifest: each file temp + fsync + rename, then the folder.
    /// </summary>
    public void Flush(CancellationToken cancellationToken = default)
    {
        var manifest = _state.Manifest!;
        bool changed = _state.SegmentList.Any(s => s.Changed);
        if (_state.LogRows == 0 && !changed && _log.Length == 0)
            return;
        string folder = _state.Path;
        long next = manifest.NextFile, generation = next++;
        var entries = new List<SegmentEntry>();
        var segments = new List<Collection.Segment>();
        foreach (var s in _state.SegmentList)
        {
            var entry = s.Entry;
            if (s.Changed)
            {
                string name = DeletionFile.Name(SegmentNumber(entry.File), generation);
                DeletionFile.Write(Path.Combine(folder, name), s.Deleted, s.Index.Count);
                entry = entry with { DeletedFile = name, Deleted = s.DeletedCount };
            }
            entries.Add(entry);
            segments.Add(new Collection.Segment(entry, s.Index, s.Deleted));
        }
        if (_state.LogRows > 0)
        {
            var rows = _state.LogRowsById.Values.ToList();
            string name = $"seg-{next++:D6}.simil";
            using (var index = BuildSegment(rows, manifest, cancellationToken))
                index.Save(Path.Combine(folder, name));
            var opened = VectorIndex.Open(Path.Combine(folder, name));
            entries.Add(new SegmentEntry(name, rows.Count, null, 0));
            segments.Add(new Collection.Segment(entries[^1], opened, new ulong[DeletionFile.Words(rows.Count)]));
        }
        string log = $"wal-{next++:D6}.log";
        using (WriteAheadLog.OpenForAppend(Path.Combine(folder, log), 0))
        {
        }
        var updated = manifest with { Generation = generation, Segments = entries, Log = log, LogStart = _state.NextSequence, NextFile = next };
        updated.Commit(folder);
        _log.Dispose();
        _log = WriteAheadLog.OpenForAppend(Path.Combine(folder, log), 0);
        _state.Reset(updated, segments);
        RemoveGarbage();
    }

    /// <summary>
    /// Merges every segment and the log into one segment of the live rows: the largest segment
    /// with no deleted row is kept and extended (its graph is not rebuilt); without one, a new
    /// segment is built. Readers keep their snapshots.
    /// </summary>
    public void Compact(CancellationToken cancellationToken = default)
    {
        Flush(cancellationToken);
        var manifest = _state.Manifest!;
        if (_state.SegmentList.Count <= 1 && _state.Deleted == 0)
            return;
        var baseSegment = _state.SegmentList.Where(s => s.DeletedCount == 0).OrderByDescending(s => s.Index.Count).FirstOrDefault();
        var others = new List<CollectionRow>();
        foreach (var s in _state.SegmentList)
        {
            if (s == baseSegment)
                continue;
            var keys = s.Index.Corpus.Keys!;
            for (int row = 0; row < s.Index.Count; row++)
                if (!s.IsDeleted(row))
                    others.Add(new CollectionRow(keys[row], s.Index.Corpus[row].ToArray(), s.Metadata(row), s.Text(row)));
        }
        VectorIndex merged;
        if (baseSegment is null)
            merged = BuildSegment(others, manifest, cancellationToken);
        else
        {
            var b = baseSegment.Index;
            merged = others.Count == 0 ? b : b.Append(Matrix(others, _state.Dimensions), cancellationToken);
            merged.Model = manifest.Model;
            merged.Texts = Concat(Enumerable.Range(0, b.Count).Select(baseSegment.Text), others.Select(r => r.Text));
            merged.Metadata = Concat(Enumerable.Range(0, b.Count).Select(baseSegment.Metadata), others.Select(r => r.Metadata));
        }
        string folder = _state.Path;
        long next = manifest.NextFile, generation = next++;
        string name = $"seg-{next++:D6}.simil";
        merged.Save(Path.Combine(folder, name));
        int count = merged.Count;
        if (!ReferenceEquals(merged, baseSegment?.Index))
            merged.Dispose();
        var updated = manifest with { Generation = generation, Segments = [new SegmentEntry(name, count, null, 0)], NextFile = next };
        updated.Commit(folder);
        foreach (var s in _state.SegmentList)
            s.Index.Dispose();
        var opened = VectorIndex.Open(Path.Combine(folder, name));
        _state.Reset(updated, [new Collection.Segment(updated.Segments[0], opened, new ulong[DeletionFile.Words(count)])]);
        RemoveGarbage();
    }

    static IReadOnlyList<string>? Concat(IEnumerable<string?> first, IEnumerable<string?> second)
    {
        var all = first.Concat(second).ToList();
        return all.All(x => x is null) ? null : [.. all.Select(x => x ?? "")];
    }

    static EmbeddingMatrix Matrix(IReadOnlyList<CollectionRow> rows, int dimensions)
    {
        var data = new float[(long)rows.Count * dimensions];
        for (int r = 0; r < rows.Count; r++)
            rows[r].Vector.CopyTo(data, (long)r * dimensions);
        return EmbeddingMatrix.Create(data, dimensions, [.. rows.Select(r => r.Id)]);
    }

    static VectorIndex BuildSegment(IReadOnlyList<CollectionRow> rows, Manifest manifest, CancellationToken cancellationToken)
    {
        var index = VectorIndex.Build(Matrix(rows, manifest.Dimensions), manifest.Build, cancellationToken);
        index.Model = manifest.Model;
        index.Texts = rows.All(r => r.Text is null) ? null : [.. rows.Select(r => r.Text ?? "")];
        index.Metadata = rows.All(r => r.Metadata is null) ? null : [.. rows.Select(r => r.Metadata ?? "")];
        return index;
    }

    static long SegmentNumber(string file) =>
        file.StartsWith("seg-", StringComparison.Ordinal) && long.TryParse(file.AsSpan(4, 6), out long n) ? n : 0;

    /// <summary>
    /// Deletes the files no manifest names any more (old logs, deletion files, segments, manifests,
    /// temporary files of dead writers). A reader on Unix keeps reading a deleted file through its
    /// open descriptor; on Windows the delete fails while a reader holds the file, and the file is
    /// left for a later write.
    /// </summary>
    void RemoveGarbage()
    {
        var manifest = _state.Manifest!;
        var live = new HashSet<string>(StringComparer.Ordinal) { Manifest.CurrentFile, WriterLock.FileName, manifest.FileName, manifest.Log };
        foreach (var s in manifest.Segments)
        {
            live.Add(s.File);
            if (s.DeletedFile is { } d)
                live.Add(d);
        }
        foreach (var path in Directory.EnumerateFiles(_state.Path))
        {
            string name = Path.GetFileName(path);
            bool ours = name.StartsWith("MANIFEST-", StringComparison.Ordinal) || name.StartsWith("seg-", StringComparison.Ordinal) || name.StartsWith("wal-", StringComparison.Ordinal);
            if (!ours || live.Contains(name))
                continue;
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // In use by a reader (Windows): a later write deletes it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Closes the log and releases the lock.</summary>
    public void Dispose()
    {
        if (_detached)
            return;
        _log.Dispose();
        _state.Dispose();
        _lock.Dispose();
    }

    bool _detached;

    /// <summary>
    /// Closes the log and releases the lock like <see cref="Dispose"/>, but hands the state back
    /// (open) for a later <see cref="Open(string, TimeSpan?, Action?, Collection?)"/> in this process;
    /// the caller owns it (and disposes it when done). Never give it to readers: writers change it.
    /// </summary>
    public Collection Detach()
    {
        ObjectDisposedException.ThrowIf(_detached, this);
        _detached = true;
        _log.Dispose();
        _lock.Dispose();
        return _state;
    }
}
