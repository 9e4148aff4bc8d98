namespace GoFlow.Domain;

/// <summary>
/// One step of a workflow instance, as it is created. Its later changes are the transitions of
/// <see cref="Transitions.TaskTransitions"/>, which the stores apply as guarded SQL (docs/state-machine.md).
/// </summary>
public sealed class WorkflowTask
{
    private WorkflowTask(WorkflowId workflowId, WorkflowStep step, string input, DateTimeOffset now, DateTimeOffset scheduledAt)
    {
        WorkflowId = workflowId;
        StepIndex = step.Index;
        TaskName = step.TaskName;
        MaxAttempts = step.Policy.MaxAttempts;
        Status = WorkflowTaskStatus.Pending;
        InputPayload = input;
        ScheduledAt = scheduledAt;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public WorkflowId WorkflowId { get; }

    public int StepIndex { get; }

    public string TaskName { get; }

    public WorkflowTaskStatus Status { get; }

    public string InputPayload { get; }

    public string? OutputPayload { get; }

    public string? Error { get; }

    /// <summary>How many times the task was claimed; the attempt now running when RUNNING.</summary>
    public int Attempt { get; }

    /// <summary>How many attempts the task gets in all; after the last one fails, the task fails for good.</summary>
    public int MaxAttempts { get; }

    /// <summary>When a PENDING task may be claimed: its creation, or when a retry is due.</summary>
    public DateTimeOffset ScheduledAt { get; }

    /// <summary>The worker that holds the task while it is RUNNING.</summary>
    public string? LeaseOwner { get; }

    public DateTimeOffset? LeaseExpiresAt { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; }

    /// <summary>
    /// A new PENDING task for <paramref name="step"/> that receives <paramref name="input"/>, due at
    /// <paramref name="notBefore"/> when that is later than <paramref name="now"/>, otherwise at once: a time already
    /// past means now.
    /// </summary>
    public static WorkflowTask Create(
        WorkflowId workflowId, WorkflowStep step, string input, DateTimeOffset now, DateTimeOffset? notBefore = null) =>
        new(workflowId, step, input, now, notBefore > now ? notBefore.Value : now);
}
