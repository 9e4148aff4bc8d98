using GoFlow.Ports.Driven;

namespace GoFlow.Application.Tasks;

/// <summary>
/// The group commit of new workflows (<see cref="GroupCommit{TItem, TResult}"/>): the starts that arrive while a write
/// is in flight are stored together, in one <see cref="IWorkflowRepository.CreateManyAsync"/> transaction, so that
/// concurrent API callers share commits instead of queueing for one each.
/// </summary>
internal sealed class CreationGroupCommit
{
    /// <summary>The most workflows one transaction stores.</summary>
    public const int MaxGroupSize = 200;

    /// <summary>Two groups in flight: one being flushed while the next one's statements travel.</summary>
    public const int MaxConcurrentWrites = 2;

    private readonly GroupCommit<NewWorkflow, NewWorkflow> _groups;

    public CreationGroupCommit(IWorkflowRepository repository, int maxConcurrentWrites = MaxConcurrentWrites) =>
        _groups = new(
            async group =>
            {
                await repository.CreateManyAsync(group, CancellationToken.None);
                return group;
            },
            MaxGroupSize,
            maxConcurrentWrites);

    /// <summary>Stores <paramref name="workflow"/> with whatever else is waiting; returns once it is committed.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; the workflow was not stored.</exception>
    public Task CreateAsync(NewWorkflow workflow) => _groups.WriteAsync(workflow);
}
