using System.Diagnostics;
using System.Globalization;

namespace Simil.Benchmarks;

/// <summary>
/// Times a peer in Debian's python3 (NumPy, SciPy, gensim, FAISS): runs the setup once, then the
/// timed statement <c>runs</c> times inside the interpreter (after one untimed run when asked),
/// and returns the median in seconds.
/// OpenBLAS runs at its best: the environment's overrides are removed, and where the CPU has
/// AVX-512 but OpenBLAS does not recognise it (Debian's 0.3.21 takes a Sapphire Rapids Xeon for a
/// Prescott and runs its SSE3 kernels), <c>OPENBLAS_CORETYPE=SkylakeX</c> is set for the peer only.
/// <see cref="OpenBlasKernel"/> says which kernel the peers ran, as threadpoolctl reports it.
/// </summary>
static class PythonPeer
{
    public static double Median(string setup, string timed, int runs, bool warmUp = false)
    {
        var script = $"{setup}\nimport time\n{(warmUp ? timed + "\n" : "")}ts = []\nfor _ in range({runs}):\n    t = time.perf_counter()\n    {timed}\n    ts.append(time.perf_counter() - t)\nts.sort()\nprint(ts[len(ts) // 2])\n";
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        if (s_coreType.Value is { } coreType)
            start.Environment["OPENBLAS_CORETYPE"] = coreType;
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python3 failed: {stderr.Result}");
        return double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>The OpenBLAS kernel the peers run, as threadpoolctl reports it with the override (if any) applied.</summary>
    public static string OpenBlasKernel => s_kernel.Value;

    /// <summary>SkylakeX where the CPU has AVX-512 and OpenBLAS, left alone, picks a kernel without it; else null.</summary>
    static readonly Lazy<string?> s_coreType = new(() =>
    {
        var detected = Architecture(null);
        bool avx512Kernel = detected is "SkylakeX" or "CooperLake" or "SapphireRapids";
        return System.Runtime.Intrinsics.X86.Avx512F.IsSupported && !avx512Kernel ? "SkylakeX" : null;
    });

    static readonly Lazy<string> s_kernel = new(() =>
    {
        var detected = Architecture(null);
        return s_coreType.Value is { } forced
            ? $"{Architecture(forced)} (OPENBLAS_CORETYPE={forced}; left alone OpenBLAS picked {detected})"
            : detected;
    });

    /// <summary>threadpoolctl's architecture of the OpenBLAS that NumPy loads, with <paramref name="coreType"/> forced when given.</summary>
    static string Architecture(string? coreType)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c",
            "import numpy\nfrom threadpoolctl import threadpool_info\nprint(next((i.get('architecture') for i in threadpool_info() if i['internal_api'] == 'openblas'), 'none'))"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        if (coreType is not null)
            start.Environment["OPENBLAS_CORETYPE"] = coreType;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 && output.Length > 0 ? output : "unknown (python3-threadpoolctl missing?)";
    }

    /// <summary>A Python string literal for <paramref name="s"/>.</summary>
    public static string Literal(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
