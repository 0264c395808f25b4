using Simil.Collections;

namespace Simil.Tests.Collections;

/// <summary>
/// The write-ahead log: what was appended reads back in order; a log cut at any byte (a crash in
/// the middle of a write) or damaged anywhere reads as the whole frames before the fault; appends
/// from many threads share fsyncs and lose nothing.
/// </summary>
public sealed class WriteAheadLogTests
{
    static byte[] Payload(int i) => [.. Enumerable.Range(0, 1 + i * 7 % 40).Select(b => (byte)(b * 31 + i))];

    static string Written(int frames)
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-wal-{Guid.NewGuid():N}.log");
        using var log = WriteAheadLog.OpenForAppend(path, 0);
        for (int i = 0; i < frames; i++)
            log.Append(Payload(i));
        return path;
    }

    [Fact]
    public void What_is_appended_reads_back_in_order()
    {
        var path = Written(12);
        try
        {
            var (payloads, length) = WriteAheadLog.Read(path);
            Assert.Equal(12, payloads.Count);
            for (int i = 0; i < 12; i++)
                Assert.Equal(Payload(i), payloads[i]);
            Assert.Equal(new FileInfo(path).Length, length);
            Assert.Equal((0, 0L), (WriteAheadLog.Read(path + ".missing").Payloads.Count, WriteAheadLog.Read(path + ".missing").Length));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_log_cut_at_any_byte_reads_as_its_whole_frames_and_appending_goes_on_from_there()
    {
        var path = Written(6);
        var bytes = File.ReadAllBytes(path);
        var ends = new List<long> { 0 };
        foreach (var p in WriteAheadLog.Read(path).Payloads)
            ends.Add(ends[^1] + 8 + p.Length);
        try
        {
            for (int cut = 0; cut <= bytes.Length; cut++)
            {
                File.WriteAllBytes(path, bytes[..cut]);
                var (payloads, length) = WriteAheadLog.Read(path);
                int whole = ends.Count(e => e <= cut) - 1;
                Assert.Equal(whole, payloads.Count);
                Assert.Equal(ends[whole], length);
                if (cut % 17 == 0)
                {
                    using (var log = WriteAheadLog.OpenForAppend(path, length))
                        log.Append([42, 43]);
                    var after = WriteAheadLog.Read(path).Payloads;
                    Assert.Equal(whole + 1, after.Count);
                    Assert.Equal([42, 43], after[^1]);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_damaged_byte_ends_the_log_at_the_frame_before_it()
    {
        var path = Written(5);
        var bytes = File.ReadAllBytes(path);
        var ends = new List<long> { 0 };
        foreach (var p in WriteAheadLog.Read(path).Payloads)
            ends.Add(ends[^1] + 8 + p.Length);
        try
        {
            for (int at = 0; at < bytes.Length; at++)
            {
                var broken = (byte[])bytes.Clone();
                broken[at] ^= 0x40;
                File.WriteAllBytes(path, broken);
                int frame = ends.FindLastIndex(e => e <= at);
                var (payloads, length) = WriteAheadLog.Read(path);
                Assert.Equal(frame, payloads.Count);
                Assert.Equal(ends[frame], length);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Appends_from_many_threads_are_all_there_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"simil-wal-{Guid.NewGuid():N}.log");
        try
        {
            using (var log = WriteAheadLog.OpenForAppend(path, 0))
                Parallel.For(0, 8, t =>
                {
                    for (int i = 0; i < 150; i++)
                        log.Append([(byte)t, (byte)i, .. Payload(i)]);
                });
            var payloads = WriteAheadLog.Read(path).Payloads;
            Assert.Equal(8 * 150, payloads.Count);
            foreach (var p in payloads)
                Assert.Equal(Payload(p[1]), p[2..]);
            for (int t = 0; t < 8; t++)
                Assert.Equal(Enumerable.Range(0, 150).Select(i => (byte)i), payloads.Where(p => p[0] == t).Select(p => p[1]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
