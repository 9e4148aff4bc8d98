using GoFlow.Ports.Driven;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>
/// How much of the process the claim loop may take: every slot (<see cref="WorkerOptions.MaxConcurrency"/>) while the
/// API in this process is idle, <see cref="WorkerOptions.MaxConcurrencyWhileApiBusy"/> while it serves a request
/// (ADR 0021). The cap only holds back new claims: a running task keeps its slot, its lease and its heartbeat, and a
/// chain of handed-over steps runs to its end (ADR 0011), so the cap takes hold as the running chains end. While busy
/// it counts every task held, those waiting for their record in a recording place too (ADR 0041): their writes and
/// answers take this process's CPU as well.
/// </summary>
internal sealed class WorkerShare(IApiLoad api, IOptions<WorkerOptions> options, TimeProvider clock)
{
    /// <summary>How often a capped claim loop looks again whether the API went idle or a slot was freed.</summary>
    internal static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest a claim waits for slots to gather (<see cref="ClaimSize.Enough"/>) once one is free.</summary>
    internal static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);

    private readonly WorkerOptions _options = options.Value;

    /// <summary>How many slots the worker may fill now; a busy share above the whole is the whole (the rule is off).</summary>
    public int Limit => api.RequestsInFlight > 0
        ? Math.Min(_options.MaxConcurrencyWhileApiBusy, _options.MaxConcurrency)
        : _options.MaxConcurrency;

    /// <summary>
    /// Waits until the worker has room under its <see cref="Limit"/>, then answers how many slots the next claim may take
    /// (1 to <paramref name="most"/>) and how many it gathers first (<see cref="ClaimSize.Enough"/>). While the API is
    /// busy, room means half the busy share free (<see cref="SmallestClaimWhileBusy"/>). At the full share, while a
    /// backlog waits, the claim gathers an eighth of the share for at most <see cref="Gather"/>
    /// (<see cref="SmallestClaimInABacklog"/>).
    /// </summary>
    /// <param name="inUse">The tasks held now (<see cref="TaskSlots.Held"/>); only the claim loop adds to them, so the count can only fall meanwhile.</param>
    /// <param name="backlog">Whether the last claim found as many tasks as it asked for, so that more are waiting.</param>
    public async Task<ClaimSize> RoomAsync(Func<int> inUse, int most, bool backlog, CancellationToken cancellationToken)
    {
        while (true)
        {
            var limit = Limit;
            if (limit >= _options.MaxConcurrency)
            {
                // The slots themselves bound the claim: it waits for one free slot and, while a backlog waits, for up to
                // Gather until an eighth of the share is free.
                return new(most, backlog ? Math.Min(most, SmallestClaimInABacklog(limit)) : 1);
            }

            var room = limit - inUse();
            if (room >= Math.Min(SmallestClaimWhileBusy(limit), most))
            {
                return new(Math.Clamp(room, 1, most), 1);
            }

            await Task.Delay(Recheck, clock, cancellationToken);
        }
    }

    /// <summary>
    /// While a backlog waits, a claim gathers an eighth of the share. A claim costs the same round trips and transaction
    /// for one task as for many; with every slot taken, slots free one by one as chains end, and a claim per freed slot
    /// paid those round trips (and the thread-pool wake-ups of their answers) for nearly every workflow
    /// (docs/benchmarks.md, issue 16, round five). At most <see cref="Gather"/> is spent gathering, so a share held by
    /// long tasks still claims a lone freed slot soon.
    /// </summary>
    private static int SmallestClaimInABacklog(int limit) => Math.Max(1, limit / 8);

    /// <summary>
    /// While the API is busy, a claim waits for half the busy share to be free. A claim costs the same few round trips
    /// and a transaction whether it takes one task or many, and under a steady stream of starts a slot frees each time
    /// a chain ends: claiming slot by slot would pay those round trips for every workflow, out of the CPU the cap keeps
    /// for the API (docs/benchmarks.md, issue 16, round three).
    /// </summary>
    private static int SmallestClaimWhileBusy(int busyLimit) => Math.Max(1, busyLimit / 2);
}

/// <summary>How many slots a claim may take (<paramref name="Most"/>), and how many it waits to gather first for at most <see cref="WorkerShare.Gather"/>.</summary>
internal readonly record struct ClaimSize(int Most, int Enough);
