namespace GoFlow.Domain;

/// <summary>
/// One step of a workflow instance. It owns the task's state machine (docs/state-machine.md);
/// an illegal transition throws <see cref="DomainException"/>.
/// </summary>
public sealed class WorkflowTask
{
    /// <summary>The error an attempt whose lease expired leaves behind.</summary>
    public const string LeaseExpiredError = "The worker running this attempt stopped renewing its lease.";

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

    public WorkflowTaskStatus Status { get; private set; }

    public string InputPayload { get; }

    public string? OutputPayload { get; private set; }

    public string? Error { get; private set; }

    /// <summary>How many times the task was claimed; the attempt now running when RUNNING.</summary>
    public int Attempt { get; private set; }

    /// <summary>How many attempts the task gets in all; after the last one fails, the task fails for good.</summary>
    public int MaxAttempts { get; private set; }

    /// <summary>When a PENDING task may be claimed: its creation, or when a retry is due.</summary>
    public DateTimeOffset ScheduledAt { get; private set; }

    /// <summary>The worker that holds the task while it is RUNNING.</summary>
    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// A new PENDING task for <paramref name="step"/> that receives <paramref name="input"/>, due at
    /// <paramref name="notBefore"/> when that is later than <paramref name="now"/>, otherwise at once: a time already
    /// past means now.
    /// </summary>
    public static WorkflowTask Create(
        WorkflowId workflowId, WorkflowStep step, string input, DateTimeOffset now, DateTimeOffset? notBefore = null) =>
        new(workflowId, step, input, now, notBefore > now ? notBefore.Value : now);

    /// <summary>PENDING to RUNNING: <paramref name="owner"/> holds the task until <paramref name="leaseExpiresAt"/>; the attempt counts.</summary>
    public void Claim(string owner, DateTimeOffset leaseExpiresAt, DateTimeOffset now)
    {
        Require(WorkflowTaskStatus.Pending, "claim");
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new DomainException("A task is claimed by a named owner.");
        }

        if (leaseExpiresAt <= now)
        {
            throw new DomainException("A lease must end after it starts.");
        }

        Status = WorkflowTaskStatus.Running;
        Attempt++;
        LeaseOwner = owner;
        LeaseExpiresAt = leaseExpiresAt;
        UpdatedAt = now;
    }

    /// <summary>Whether the attempt now running may be followed by another.</summary>
    public bool HasAttemptsLeft => Attempt < MaxAttempts;

    /// <summary>RUNNING to COMPLETED with the handler's <paramref name="output"/>; the lease ends.</summary>
    public void Complete(string owner, string output, DateTimeOffset now)
    {
        RequireHeldBy(owner, "complete");
        Status = WorkflowTaskStatus.Completed;
        OutputPayload = output;
        ReleaseLease(now);
    }

    /// <summary>RUNNING to FAILED with the handler's <paramref name="error"/>; the lease ends.</summary>
    public void Fail(string owner, string error, DateTimeOffset now)
    {
        RequireHeldBy(owner, "fail");
        Status = WorkflowTaskStatus.Failed;
        Error = error;
        ReleaseLease(now);
    }

    /// <summary>
    /// RUNNING to PENDING after a failed attempt that has attempts left: it may be claimed again from
    /// <paramref name="retryAt"/>; the error is kept as the last error.
    /// </summary>
    public void ScheduleRetry(string owner, string error, DateTimeOffset retryAt, DateTimeOffset now)
    {
        RequireHeldBy(owner, "retry");
        if (!HasAttemptsLeft)
        {
            throw new DomainException(
                $"Cannot retry task {TaskName} of workflow {WorkflowId}: all {MaxAttempts} attempts are used.");
        }

        Status = WorkflowTaskStatus.Pending;
        Error = error;
        ScheduledAt = retryAt;
        ReleaseLease(now);
    }

    /// <summary>
    /// RUNNING to PENDING, or to FAILED on the last attempt: the lease ended before <paramref name="now"/>, so its
    /// holder is presumed dead.
    /// The attempt counts.
    /// </summary>
    public void ExpireLease(DateTimeOffset now)
    {
        Require(WorkflowTaskStatus.Running, "expire the lease of");
        if (LeaseExpiresAt >= now)
        {
            throw new DomainException($"The lease of task {TaskName} of workflow {WorkflowId} has not expired yet.");
        }

        Error = LeaseExpiredError;
        if (HasAttemptsLeft)
        {
            Status = WorkflowTaskStatus.Pending;
            ScheduledAt = now;
        }
        else
        {
            Status = WorkflowTaskStatus.Failed;
        }

        ReleaseLease(now);
    }

    /// <summary>
    /// RUNNING to PENDING without using up the attempt: its holder stops (a graceful shutdown) and hands it back.
    /// </summary>
    public void Release(string owner, DateTimeOffset now)
    {
        RequireHeldBy(owner, "release");
        Status = WorkflowTaskStatus.Pending;
        Attempt--;
        ScheduledAt = now;
        ReleaseLease(now);
    }

    /// <summary>PENDING or RUNNING to CANCELLED, with its workflow; a running attempt's late result is then rejected.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (Status is not (WorkflowTaskStatus.Pending or WorkflowTaskStatus.Running))
        {
            throw new DomainException(
                $"Cannot cancel task {TaskName} of workflow {WorkflowId}: it is {Status.ToName()} already.");
        }

        Status = WorkflowTaskStatus.Cancelled;
        ReleaseLease(now);
    }

    /// <summary>
    /// FAILED or CANCELLED to PENDING, due now, with <paramref name="freshAttempts"/> more attempts: its workflow is
    /// retried from this step, on the same input. Attempt numbers go on counting up, never back, so a late result of
    /// an earlier attempt stays fenced out. The last error is kept until an attempt succeeds.
    /// </summary>
    public void Retry(int freshAttempts, DateTimeOffset now)
    {
        if (Status is not (WorkflowTaskStatus.Failed or WorkflowTaskStatus.Cancelled))
        {
            throw new DomainException(
                $"Cannot retry task {TaskName} of workflow {WorkflowId}: it is {Status.ToName()}, not {StatusNames.Failed} or {StatusNames.Cancelled}.");
        }

        if (freshAttempts < 1)
        {
            throw new DomainException($"A retried task needs at least one attempt, not {freshAttempts}.");
        }

        Status = WorkflowTaskStatus.Pending;
        MaxAttempts = Attempt + freshAttempts;
        ScheduledAt = now;
        ReleaseLease(now);
    }

    private void ReleaseLease(DateTimeOffset now)
    {
        LeaseOwner = null;
        LeaseExpiresAt = null;
        UpdatedAt = now;
    }

    private void RequireHeldBy(string owner, string transition)
    {
        Require(WorkflowTaskStatus.Running, transition);
        if (LeaseOwner != owner)
        {
            throw new DomainException(
                $"Cannot {transition} task {TaskName} of workflow {WorkflowId}: it is held by {LeaseOwner}, not {owner}.");
        }
    }

    private void Require(WorkflowTaskStatus expected, string transition)
    {
        if (Status != expected)
        {
            throw new DomainException(
                $"Cannot {transition} task {TaskName} of workflow {WorkflowId}: it is {Status.ToName()}, not {expected.ToName()}.");
        }
    }
}
