using GoFlow.Domain;

namespace GoFlow.Ports.Driven;

/// <summary>
/// What a store keeps of each schedule beside its definition (which is configuration): whether an operator paused it,
/// and its latest fire. A schedule never written to has no state: it is running and has not fired.
/// </summary>
public interface IScheduleStore
{
    /// <summary>The state of every schedule that has any, by name.</summary>
    Task<IReadOnlyDictionary<string, ScheduleState>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Pauses or resumes <paramref name="name"/>, creating its state when it has none.</summary>
    Task SetPausedAsync(string name, bool paused, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the fire of <paramref name="name"/> at <paramref name="fireAt"/> was handled: started
    /// <paramref name="workflowId"/>, or skipped when that is null (the workflow of the fire before stays the latest).
    /// Only a later fire moves the record on, so hosts that handle the same fire, or an older one late, leave it as
    /// the latest fire made it.
    /// </summary>
    Task RecordFireAsync(
        string name, DateTimeOffset fireAt, WorkflowId? workflowId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// A schedule's stored state: paused or not, the latest fire handled (<paramref name="LastFireAt"/>), and the
/// workflow the latest started (<paramref name="LastWorkflowId"/>), which the overlap policy looks at.
/// </summary>
public sealed record ScheduleState(string Name, bool Paused, DateTimeOffset? LastFireAt, WorkflowId? LastWorkflowId);
