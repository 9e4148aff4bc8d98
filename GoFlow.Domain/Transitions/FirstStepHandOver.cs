namespace GoFlow.Domain.Transitions;

/// <summary>
/// A start whose first task a worker of the same process takes in the start's own commit (ADR 0037): the workflow is
/// created RUNNING (<see cref="WorkflowTransitions.CreateRunning"/>) and its first task RUNNING, attempt 1, held by
/// <see cref="Holder"/>, leased for <see cref="LeaseDuration"/> from the commit's time, with its TASK_STARTED row
/// (<see cref="TaskTransitions.HandOver"/>): what a start followed by a claim would have stored, without the claim. Only
/// a first task due at once is handed over: a delayed start (ADR 0018) or a first step that waits (ADR 0019) is stored
/// PENDING, due later, for any worker. Decided here, once; the stores write the statuses, attempt, lease and rows this
/// value states.
/// </summary>
public sealed record FirstStepHandOver
{
    private FirstStepHandOver(string holder, TimeSpan leaseDuration)
    {
        Holder = holder;
        LeaseDuration = leaseDuration;
    }

    /// <summary>The worker that holds the first task: the lease owner, recorded as the task's worker.</summary>
    public string Holder { get; }

    /// <summary>How long the first task's lease lasts from the start's commit: as long as a claim's lease.</summary>
    public TimeSpan LeaseDuration { get; }

    /// <summary>How the workflow is created.</summary>
    public static WorkflowTransition WorkflowCreation => WorkflowTransitions.CreateRunning;

    /// <summary>How its first task is created.</summary>
    public static TaskTransition TaskCreation => TaskTransitions.HandOver;

    /// <summary>The status the workflow is created with.</summary>
    public static WorkflowStatus WorkflowStatus => WorkflowCreation.To;

    /// <summary>The status the first task is created with.</summary>
    public static WorkflowTaskStatus TaskStatus => TaskCreation.To;

    /// <summary>The attempt the first task is created with: its first, counted as a claim counts it.</summary>
    public static int Attempt => TaskCreation.Sets.HasFlag(TaskFields.AttemptCounted) ? 1 : 0;

    /// <summary>
    /// The hand-over of <paramref name="firstTask"/> to <paramref name="holder"/> for <paramref name="leaseDuration"/>,
    /// or null when the task is not due at <paramref name="now"/> (a delayed start, a first step that waits): such a task
    /// is left PENDING, since no worker waits for it.
    /// </summary>
    public static FirstStepHandOver? Of(WorkflowTask firstTask, DateTimeOffset now, string holder, TimeSpan leaseDuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        return IsDue(firstTask, now) ? new(holder, leaseDuration) : null;
    }

    /// <summary>Whether <paramref name="firstTask"/> could be handed over at <paramref name="now"/>: it is due at once.</summary>
    public static bool IsDue(WorkflowTask firstTask, DateTimeOffset now) => firstTask.ScheduledAt <= now;

    /// <summary>When the first task's lease ends if the start is committed at <paramref name="now"/>.</summary>
    public DateTimeOffset LeaseExpiresAt(DateTimeOffset now) => now + LeaseDuration;

    /// <summary>
    /// The first task's TASK_STARTED row, at the commit's time <paramref name="now"/>, for task <paramref name="taskId"/>
    /// (the store's id; null for a store that fills it in the same statement): it follows the workflow's
    /// WORKFLOW_CREATED row, as a claim's would.
    /// </summary>
    public NewActivity[] Log(WorkflowTask firstTask, TaskId? taskId, DateTimeOffset now) =>
        TaskCreation.Log(new ActivitySubject(firstTask.WorkflowId, taskId, firstTask.TaskName, Attempt, Holder), now);
}
