using System.Diagnostics;
using System.Globalization;

namespace Simil.Benchmarks;

/// <summary>
/// Times a peer in Debian's python3 (NumPy, SciPy, gensim, FAISS): runs the setup once, then the
/// timed statement <c>runs</c> times inside the interpreter (after one untimed run when asked),
/// and returns the median in seconds.
/// OpenBLAS runs as on a user's machine: the environment's overrides are removed.
/// </summary>
static class PythonPeer
{
    public static double Median(string setup, string timed, int runs, bool warmUp = false)
    {
        var script = $"{setup}\nimport time\n{(warmUp ? timed + "\n" : "")}ts = []\nfor _ in range({runs}):\n    t = time.perf_counter()\n    {timed}\n    ts.append(time.perf_counter() - t)\nts.sort()\nprint(ts[len(ts) // 2])\n";
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
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

    /// <summary>A Python string literal for <paramref name="s"/>.</summary>
    public static string Literal(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
