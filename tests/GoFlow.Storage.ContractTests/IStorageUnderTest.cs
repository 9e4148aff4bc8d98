using GoFlow.Domain;
using GoFlow.Ports.Driven;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// One store plugged into the contract: its driven ports over one empty database, and the few inspection helpers
/// the contract needs that the ports do not offer. A fixture creates one per test class and resets it before each test.
/// </summary>
public interface IStorageUnderTest : IAsyncDisposable
{
    IWorkflowRepository Repository { get; }

    ITaskQueue Queue { get; }

    /// <summary>The retention sweep's port, over the same database (the stores implement it beside the repository).</summary>
    IWorkflowRetention Retention { get; }

    /// <summary>The overview's counts, over the same database.</summary>
    IWorkflowStatistics Statistics { get; }

    /// <summary>The task gauges' count, over the same database.</summary>
    ITaskStatistics TaskStatistics { get; }

    /// <summary>The payload-free list and searches, over the same database.</summary>
    IWorkflowSummaries Summaries { get; }

    /// <summary>The schedules' stored state, over the same database.</summary>
    IScheduleStore Schedules { get; }

    /// <summary>The signals delivered and the signal steps waiting, over the same database.</summary>
    ISignalInbox Signals { get; }

    /// <summary>Deletes every workflow, signal, task, activity and schedule row, so that a test starts from an empty store.</summary>
    Task ResetAsync();

    /// <summary>
    /// The lease a task carries as stored, or null when it has none (no owner). The ports' reads do not show leases,
    /// but a renewal, a release or a completion must be seen to set or clear them.
    /// </summary>
    Task<TaskLease?> ReadLeaseAsync(TaskId id);

    /// <summary>
    /// Every stored row of every table (every column, times included) as text, in a stable order. Two snapshots are
    /// equal exactly when nothing was written in between: the contract uses it to prove that a rejected write changed
    /// nothing, not even an updated_at.
    /// </summary>
    Task<string> SnapshotAsync();
}

/// <summary>A task's stored lease: who holds it and until when.</summary>
public sealed record TaskLease(string Owner, DateTimeOffset ExpiresAt);
