using System.Globalization;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>A process's resident memory from /proc/PID/status (Linux).</summary>
/// <param name="Rss">Resident set size now (VmRSS).</param>
/// <param name="PeakRss">Its peak so far (VmHWM).</param>
/// <param name="Anonymous">Heaps and stacks (RssAnon).</param>
/// <param name="File">Mapped files: the executable, or the framework's assemblies (RssFile).</param>
/// <param name="Shared">Shared memory: the JIT's double-mapped code (RssShmem).</param>
internal sealed record ProcessMemory(long Rss, long PeakRss, long Anonymous, long File, long Shared)
{
    public static ProcessMemory Of(int processId)
    {
        var status = System.IO.File.ReadAllLines($"/proc/{processId}/status");
        long Read(string field)
        {
            var line = status.First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return long.Parse(line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        return new ProcessMemory(Read("VmRSS"), Read("VmHWM"), Read("RssAnon"), Read("RssFile"), Read("RssShmem"));
    }
}
