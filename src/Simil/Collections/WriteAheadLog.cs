using System.Buffers.Binary;
using System.IO.Hashing;

using Simil.IO;

namespace Simil.Collections;

/// <summary>
/// A collection's write-ahead log (<c>docs/collection-format.md</c>): frames of
/// <c>u32 length, u32 CRC-32 of the payload, payload</c>, appended and made durable with one
/// fsync for every group of appends that arrive together (group commit). Reading stops at the
/// first frame that is cut short or does not match its CRC: a crash can tear only the last frame,
/// whose write was never acknowledged.
/// </summary>
public sealed class WriteAheadLog : IDisposable
{
    /// <summary>The largest payload of one frame.</summary>
    public const int MaxPayload = 256 << 20;

    const int FrameHeader = 8;

    readonly FileStream _file;
    readonly object _append = new();
    readonly object _sync = new();
    long _end;
    long _appended, _durable;

    WriteAheadLog(FileStream file, long end)
    {
        _file = file;
        _end = end;
    }

    /// <summary>The file's name.</summary>
    public string Path => _file.Name;

    /// <summary>Bytes of whole frames: where the next frame goes.</summary>
    public long Length
    {
        get
        {
            lock (_append)
                return _end;
        }
    }

    /// <summary>
    /// The payloads of the whole frames of the log at <paramref name="path"/>, in order, and the
    /// length they take (a torn or damaged tail is not counted). A missing file is an empty log.
    /// </summary>
    public static (List<byte[]> Payloads, long Length) Read(string path) => Read(path, mustExist: false);

    /// <summary>As <see cref="Read(string)"/>; with <paramref name="mustExist"/>, a missing file is an error (<see cref="FileNotFoundException"/>).</summary>
    public static (List<byte[]> Payloads, long Length) Read(string path, bool mustExist)
    {
        var payloads = new List<byte[]>();
        if (!mustExist && !File.Exists(path))
            return (payloads, 0);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        long valid = 0, length = file.Length;
        Span<byte> header = stackalloc byte[FrameHeader];
        while (length - valid >= FrameHeader)
        {
            file.Position = valid;
            file.ReadExactly(header);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size > MaxPayload || size > length - valid - FrameHeader)
                break;
            var payload = new byte[size];
            file.ReadExactly(payload);
            if (Crc32.HashToUInt32(payload) != crc)
                break;
            payloads.Add(payload);
            valid += FrameHeader + size;
        }
        return (payloads, valid);
    }

    /// <summary>
    /// Opens the log at <paramref name="path"/> (created when missing) for appending, cutting a torn
    /// or damaged tail at <paramref name="validLength"/> (from <see cref="Read(string)"/>). Only the writer,
    /// under the collection's lock, opens a log so.
    /// </summary>
    public static WriteAheadLog OpenForAppend(string path, long validLength)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 0);
        try
        {
            if (file.Length != validLength)
            {
                file.SetLength(validLength);
                file.Flush(flushToDisk: true);
            }
            return new WriteAheadLog(file, validLength);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends one frame and returns once it is on the disk (fsync), sharing that fsync with the
    /// appends of other threads that arrive meanwhile.
    /// </summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(payload), $"a frame holds at most {MaxPayload} bytes, not {payload.Length}");
        var frame = new byte[FrameHeader + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(frame.AsSpan(FrameHeader));
        long mine;
        lock (_append)
        {
            try
            {
                RandomAccess.Write(_file.SafeFileHandle, frame, _end);
            }
            catch (Exception e) when (e is IOException || AtomicFile.IsNoRoom(e))
            {
                // A full disk or a size limit: the frame is not in the log (a part of it may be: cut it
                // off where the disk allows; a reader stops at it either way, and the next append overwrites it).
                try
                {
                    _file.SetLength(_end);
                }
                catch (Exception again) when (again is IOException || AtomicFile.IsNoRoom(again))
                {
                }
                throw new InputException(_file.Name, $"cannot be written ({AtomicFile.Reason(e)}); the write was not made");
            }
            _end += frame.Length;
            mine = ++_appended;
        }
        lock (_sync)
        {
            if (Volatile.Read(ref _durable) >= mine)
                return;   // an fsync that started after this frame was written covered it
            long covered;
            lock (_append)
                covered = _appended;
            _file.Flush(flushToDisk: true);
            Volatile.Write(ref _durable, covered);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}
