namespace GoFlow.Domain.Transitions;

/// <summary>
/// Where a completed step takes its workflow when another step follows (<see cref="WorkflowTransitions.Advance"/>): the
/// next step's task, created in the commit that completes its predecessor, either due now for any worker
/// (<see cref="TaskTransitions.Create"/>) or handed over (<see cref="TaskTransitions.HandOver"/>, ADR 0011): RUNNING,
/// its first attempt counted, held by the completing claim's holder for a claim's lease length. A step due
/// later (a wait step, <see cref="WorkflowStep.DueAt"/>, ADR 0019) is created due at that time and never handed over.
/// The hand-over and the due time are decided here, once; the stores write the status, attempt, lease and due time this
/// value states, and the activity rows its creation logs.
/// </summary>
public sealed record StepAdvance
{
    private StepAdvance(
        WorkflowStep step, TaskTransition creation, string? leaseOwner, TimeSpan leaseDuration, DateTimeOffset? dueAt)
    {
        Step = step;
        Creation = creation;
        LeaseOwner = leaseOwner;
        LeaseDuration = leaseDuration;
        DueAt = dueAt;
    }

    /// <summary>The step whose task is created.</summary>
    public WorkflowStep Step { get; }

    /// <summary><see cref="TaskTransitions.Create"/> or <see cref="TaskTransitions.HandOver"/>.</summary>
    public TaskTransition Creation { get; }

    /// <summary>Whether the task is created claimed by the completing holder rather than due for any worker.</summary>
    public bool HandsOver => Creation == TaskTransitions.HandOver;

    /// <summary>The status the task is created with.</summary>
    public WorkflowTaskStatus Status => Creation.To;

    /// <summary>The attempt the task is created with: its first when the creation claims it, else none yet.</summary>
    public int Attempt => Creation.AttemptAfter(0);

    /// <summary>The holder of the handed-over task (the completing claim's); null when the task is left due.</summary>
    public string? LeaseOwner { get; }

    /// <summary>How long the handed-over task's lease lasts from its commit: as long as a claim's lease.</summary>
    public TimeSpan LeaseDuration { get; }

    /// <summary>When the task becomes due if not at once (a wait's end); null when it is due at its commit.</summary>
    public DateTimeOffset? DueAt { get; }

    /// <summary>
    /// What completing a step of a workflow leads to: null after the last step (the workflow completes,
    /// <see cref="WorkflowTransitions.Complete"/>); otherwise the next step's task, handed over to
    /// <paramref name="holder"/> for <paramref name="leaseDuration"/> when the holder asked for it
    /// (<paramref name="handOver"/>) and the step is due at once, else left due for any worker: at once, or at
    /// <paramref name="dueAt"/> (a wait's end), a step that is never handed over since no holder waits for it.
    /// </summary>
    public static StepAdvance? After(
        WorkflowStep? next, bool handOver, string holder, TimeSpan leaseDuration, DateTimeOffset? dueAt = null) =>
        next is null ? null
        : handOver && dueAt is null ? new(next, TaskTransitions.HandOver, holder, leaseDuration, null)
        : new(next, TaskTransitions.Create, null, TimeSpan.Zero, dueAt);

    /// <summary>When the task is due if it is committed at <paramref name="now"/>: its wait's end when later, else now.</summary>
    public DateTimeOffset ScheduledAt(DateTimeOffset now) => DueAt > now ? DueAt.Value : now;

    /// <summary>When the handed-over task's lease ends if it is committed at <paramref name="now"/>; null when it is left due.</summary>
    public DateTimeOffset? LeaseExpiresAt(DateTimeOffset now) => HandsOver ? now + LeaseDuration : null;
}
