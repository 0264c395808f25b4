namespace Simil.Storage;

/// <summary>
/// Gives the pages of rows in a read-only file mapping back to the system once a one-pass reader is
/// done with them (<see cref="VectorRows.Release"/>): <c>madvise(MADV_DONTNEED)</c> on Linux, which
/// drops them from this process's resident set; touched again, they come back from the page cache
/// with the same bytes. Elsewhere it does nothing.
/// </summary>
static unsafe partial class MappedPages
{
    const long Page = 4096;

    /// <summary>MADV_DONTNEED: a file-backed page is dropped from this mapping and read again from the page cache if touched.</summary>
    const int DontNeed = 4;

    /// <summary>Releases the whole pages inside rows <paramref name="first"/> … + <paramref name="count"/> − 1 of <paramref name="rows"/>, which start at <paramref name="start"/> in a file mapping.</summary>
    public static void Release(VectorRows rows, byte* start, int first, int count)
    {
        if (count <= 0 || !OperatingSystem.IsLinux())
            return;
        long size = rows.ElementType.Size();
        long from = (long)start + (long)first * rows.Stride * size, to = (long)start + ((long)(first + count - 1) * rows.Stride + rows.Dimensions) * size;
        // Whole pages inside the rows only: a page shared with rows outside the range stays.
        long alignedFrom = (from + Page - 1) / Page * Page, alignedTo = to / Page * Page;
        if (alignedTo > alignedFrom)
            _ = Madvise((void*)alignedFrom, (nuint)(alignedTo - alignedFrom), DontNeed);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "madvise", SetLastError = false)]
    private static partial int Madvise(void* address, nuint length, int advice);
}
