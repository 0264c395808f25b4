namespace Simil.Benchmarks;

/// <summary>What the results were measured on.</summary>
static class Machine
{
    /// <summary>
    /// The CPU's model name, family/model numbers and AVX-512 support from /proc/cpuinfo (a
    /// virtual machine often hides the marketing name), or the architecture where there is none.
    /// </summary>
    public static string CpuName()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        var fields = File.ReadLines(path)
            .TakeWhile(l => l.Length > 0)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
        var flags = fields.GetValueOrDefault("flags", "").Split(' ');
        var avx512 = flags.Where(f => f.StartsWith("avx512", StringComparison.Ordinal)).Select(f => f[6..].TrimStart('_')).ToArray();
        return $"{fields.GetValueOrDefault("model name", "unknown CPU")} (family {fields.GetValueOrDefault("cpu family", "?")}, model {fields.GetValueOrDefault("model", "?")}" +
               (avx512.Length > 0 ? $", AVX-512 {string.Join('/', avx512)})" : ")");
    }
}
