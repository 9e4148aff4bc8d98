namespace GoFlow.Domain;

/// <summary>
/// One step of a workflow instance. It owns the task's state machine (docs/state-machine.md);
/// an illegal transition throws <see cref="DomainException"/>.
/// </summary>
public sealed class WorkflowTask
{
    private WorkflowTask(WorkflowId workflowId, WorkflowStep step, string input, DateTimeOffset now)
    {
        WorkflowId = workflowId;
        StepIndex = step.Index;
        TaskName = step.TaskName;
        Status = WorkflowTaskStatus.Pending;
        InputPayload = input;
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

    /// <summary>The worker that holds the task while it is RUNNING.</summary>
    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>A new PENDING task for <paramref name="step"/> that receives <paramref name="input"/>.</summary>
    public static WorkflowTask Create(WorkflowId workflowId, WorkflowStep step, string input, DateTimeOffset now) =>
        new(workflowId, step, input, now);

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
