using System.Diagnostics;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// What this process spent over a measured window: CPU time (every thread, user and kernel) and bytes allocated on the
/// managed heap (every thread, counted exactly). The engine runs in this process and the database outside it (MySQL) or
/// in it (SQLite, a library), so per task step these are the engine's cost with a no-op handler, plus, on SQLite, the
/// database's; the benchmark's own reading of the store (one polling query every few milliseconds) is in them too.
/// </summary>
internal sealed record ProcessCost(TimeSpan Cpu, long AllocatedBytes)
{
    /// <summary>Starts a window: call <see cref="Mark.Since"/> at its end.</summary>
    public static Mark Start() => Mark.Now();

    public double CpuMicrosecondsPerStep(long steps) => Cpu.TotalMicroseconds / steps;

    public double AllocatedBytesPerStep(long steps) => (double)AllocatedBytes / steps;

    /// <summary>The process's CPU time and allocated bytes at one moment.</summary>
    internal readonly record struct Mark(TimeSpan Cpu, long AllocatedBytes)
    {
        public static Mark Now()
        {
            using var process = Process.GetCurrentProcess();
            return new Mark(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));
        }

        /// <summary>What the process spent from this mark until now.</summary>
        public ProcessCost Since()
        {
            var now = Now();
            return new ProcessCost(now.Cpu - Cpu, now.AllocatedBytes - AllocatedBytes);
        }
    }
}
