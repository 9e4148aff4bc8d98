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

    /// <summary>The longest a claim waits for slots to gather (<see cref="ClaimSize.Enough"/>) once one is free.</summary>
    internal static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(10);

    private readonly WorkerOptions _options = options.Value;

    /// <summary>How many slots the worker may fill now; a busy share above the whole is the whole (the rule is off).</summary>
    public int Limit => api.RequestsInFlight > 0
        ? Math.Min(_options.MaxConcurrencyWhileApiBusy, _options.MaxConcurrency)
        : _options.MaxConcurrency;

    /// <summary>
    /// Waits until the worker has room under its <see cref="Limit"/>, then answers how many slots the next claim may take
    /// (1 to <paramref name="batch"/>) and how many it gathers first (<see cref="ClaimSize.Enough"/>). Out of a backlog
    /// the claim asks for about what the last one found (<see cref="Ask"/>). While the API is busy, room means half the
    /// busy share free (<see cref="SmallestClaimWhileBusy"/>). At the full share, while a backlog waits, the claim gathers
    /// an eighth of the share for at most <see cref="Gather"/> (<see cref="SmallestClaimInABacklog"/>).
    /// </summary>
    /// <param name="inUse">
    /// The slots taken now. Starts may take slots meanwhile (ADR 0037, within the same limit), so the claim takes no more
    /// than the limit leaves when it takes them (<see cref="TaskSlots.TakeAsync"/>).
    /// </param>
    /// <param name="batch">The most tasks one claim may take (<see cref="WorkerOptions.BatchSize"/>).</param>
    /// <param name="last">The claim loop's last claim; null before its first.</param>
    public async Task<ClaimSize> RoomAsync(Func<int> inUse, int batch, LastClaim? last, CancellationToken cancellationToken)
    {
        var backlog = last is { Backlog: true };
        var most = Ask(batch, last);
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
    /// The most tasks the next claim asks for, and so the most slots it holds while it is in flight: the whole
    /// <paramref name="batch"/> in a backlog (and before the first claim, when nothing is known); out of a backlog,
    /// twice what the last claim found, and at least an eighth of the batch. Slots a claim holds stand idle until its
    /// answer comes, whatever it finds; out of a backlog it finds about what arrived during the claim before, so a
    /// claim of the whole batch held slots it had no task for (docs/benchmarks.md, issue 16, rounds seven and eight).
    /// A claim that finds all it asked for puts the loop in a backlog, and the next claim asks for the whole batch again.
    /// </summary>
    internal static int Ask(int batch, LastClaim? last) =>
        last is { Backlog: false, Found: var found }
            ? Math.Clamp(2 * found, SmallestAskOutOfABacklog(batch), batch)
            : batch;

    private static int SmallestAskOutOfABacklog(int batch) => Math.Max(1, batch / 8);

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

/// <summary>How many tasks a claim asked for (the slots it took) and how many it found.</summary>
internal readonly record struct LastClaim(int Asked, int Found)
{
    /// <summary>The claim found every task it asked for: more are likely waiting (ADR 0033).</summary>
    public bool Backlog => Found >= Asked;
}
