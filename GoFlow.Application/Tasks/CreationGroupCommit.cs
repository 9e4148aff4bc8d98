using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>
/// The group commit of new workflows (<see cref="GroupCommit{TItem, TResult}"/>): the starts that arrive while the
/// writers are busy are stored together, in one <see cref="IWorkflowRepository.CreateManyAsync"/> transaction, so that
/// concurrent API callers share commits instead of queueing for one each.
/// </summary>
internal sealed class CreationGroupCommit
{
    /// <summary>The most workflows one transaction stores.</summary>
    public const int MaxGroupSize = 200;

    /// <summary>Two groups in flight: one being flushed while the next one's statements travel.</summary>
    public const int MaxConcurrentWrites = 2;

    private readonly GroupCommit<NewWorkflow, NewWorkflow> _groups;

    /// <remarks>
    /// A group is weighed by the payload characters it writes: an input is written twice (the workflow's and its first
    /// task's), and a group stays within what the store says one transaction may carry
    /// (<see cref="StoreLimits.MaxPayloadCharsPerTransaction"/>).
    /// </remarks>
    public CreationGroupCommit(
        IWorkflowRepository repository, StoreLimits storeLimits, int maxConcurrentWrites = MaxConcurrentWrites) =>
        _groups = new(
            async group =>
            {
                await repository.CreateManyAsync(group, CancellationToken.None);
                return group;
            },
            MaxGroupSize,
            workflow => workflow.Workflow.CurrentInput.Length + (long)workflow.FirstTask.InputPayload.Length,
            storeLimits.MaxPayloadCharsPerTransaction,
            maxConcurrentWrites);

    /// <summary>Stores <paramref name="workflow"/> with whatever else is waiting; returns once it is committed.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; the workflow was not stored.</exception>
    public Task CreateAsync(NewWorkflow workflow) => _groups.WriteAsync(workflow);
}
