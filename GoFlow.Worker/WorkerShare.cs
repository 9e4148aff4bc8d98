using GoFlow.Ports.Driven;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// How much of the process the claim loop may take: every slot (<see cref="WorkerOptions.MaxConcurrency"/>) while the
/// API in this process is idle, <see cref="WorkerOptions.MaxConcurrencyWhileApiBusy"/> while it serves a request
/// (ADR 0021). The cap only holds back new claims: a running task keeps its slot, its lease and its heartbeat, and a
/// chain of handed-over steps runs to its end (ADR 0011), so the cap takes hold as the running chains end.
/// </summary>
internal sealed class WorkerShare(IApiLoad api, IOptions<WorkerOptions> options, TimeProvider clock)
{
    /// <summary>How often a capped claim loop looks again whether the API went idle or a slot was freed.</summary>
    internal static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(5);

    private readonly WorkerOptions _options = options.Value;

    /// <summary>How many slots the worker may fill now; a busy share above the whole is the whole (the rule is off).</summary>
    public int Limit => api.RequestsInFlight > 0
        ? Math.Min(_options.MaxConcurrencyWhileApiBusy, _options.MaxConcurrency)
        : _options.MaxConcurrency;

    /// <summary>
    /// Waits until the worker has room under its <see cref="Limit"/>, then answers how many slots it may take, 1 to
    /// <paramref name="most"/>. At the full limit it answers 1 at once: taking that slot then waits for a task to end.
    /// While the API is busy, room means half the busy share free (<see cref="SmallestClaimWhileBusy"/>).
    /// </summary>
    /// <param name="inUse">The slots taken now; only the claim loop takes slots, so the count can only fall meanwhile.</param>
    public async Task<int> RoomAsync(Func<int> inUse, int most, CancellationToken cancellationToken)
    {
        while (true)
        {
            var limit = Limit;
            var room = limit - inUse();
            if (limit >= _options.MaxConcurrency || room >= Math.Min(SmallestClaimWhileBusy(limit), most))
            {
                return Math.Clamp(room, 1, most);
            }

            await Task.Delay(Recheck, clock, cancellationToken);
        }
    }

    /// <summary>
    /// While the API is busy, a claim waits for half the busy share to be free. A claim costs the same few round trips
    /// and a transaction whether it takes one task or many, and under a steady stream of starts a slot frees each time
    /// a chain ends: claiming slot by slot would pay those round trips for every workflow, out of the CPU the cap keeps
    /// for the API (docs/benchmarks.md, issue 16, round three).
    /// </summary>
    private static int SmallestClaimWhileBusy(int busyLimit) => Math.Max(1, busyLimit / 2);
}
