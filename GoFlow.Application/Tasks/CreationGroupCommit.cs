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

    /// <summary>
    /// The most payload characters one transaction carries: an input is sent twice (the workflow's and its first
    /// task's), and the bound is <see cref="CompletionGroupCommit.MaxGroupPayloadChars"/>'s, for the same reason.
    /// </summary>
    public const long MaxGroupPayloadChars = CompletionGroupCommit.MaxGroupPayloadChars;

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
            workflow => workflow.Workflow.CurrentInput.Length + (long)workflow.FirstTask.InputPayload.Length,
            MaxGroupPayloadChars,
            maxConcurrentWrites);

    /// <summary>Stores <paramref name="workflow"/> with whatever else is waiting; returns once it is committed.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; the workflow was not stored.</exception>
    public Task CreateAsync(NewWorkflow workflow) => _groups.WriteAsync(workflow);
}
