using System.Globalization;
using System.Runtime.InteropServices;

namespace GoFlow.Benchmarks.Report;

/// <summary>The machine a report was measured on.</summary>
internal sealed record MachineInfo(int Cores, double MemoryGiB, string Cpu, string OperatingSystem, string Runtime, string Build)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        MemoryBytes() / (1024.0 * 1024 * 1024),
        ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        $"{OsName()} ({RuntimeInformation.OSDescription})",
        $"{RuntimeInformation.FrameworkDescription}, {ThreadPoolSpinLimit()}",
#if DEBUG
        "Debug build");
#else
        "Release build");
#endif

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Cores} cores ({Cpu}), {MemoryGiB:F1} GiB, {OperatingSystem}, {Runtime}, {Build}");

    private static long MemoryBytes() =>
        ProcLine("/proc/meminfo", "MemTotal") is { } total
            ? long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release")
                .FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
                ?? RuntimeInformation.OSDescription
            : RuntimeInformation.OSDescription;

    /// <summary>
    /// The thread pool's spin limit this process runs with, which moves the CPU per step on MySQL by a third (ADR 0035):
    /// the environment's variable as written (the runtime reads it as hex), else the runtimeconfig's value.
    /// </summary>
    private static string ThreadPoolSpinLimit() =>
        Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is { Length: > 0 } variable
            ? $"DOTNET_ThreadPool_UnfairSemaphoreSpinLimit={variable}"
            : AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit") is { } configured
                ? string.Create(CultureInfo.InvariantCulture, $"thread-pool spin limit {configured} (runtimeconfig)")
                : "thread-pool spin limit: the runtime's default";

    /// <summary>The value of the first "<paramref name="key"/>: value" line of a /proc file, or null.</summary>
    private static string? ProcLine(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
