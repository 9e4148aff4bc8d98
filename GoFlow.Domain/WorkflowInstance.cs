namespace GoFlow.Domain;

/// <summary>
/// One run of a workflow definition. It owns the workflow's state machine (docs/state-machine.md);
/// an illegal transition throws <see cref="DomainException"/>.
/// </summary>
public sealed class WorkflowInstance
{
    private WorkflowInstance(WorkflowId id, string workflowName, string currentInput, string? traceParent, DateTimeOffset now)
    {
        Id = id;
        TraceParent = traceParent;
        WorkflowName = workflowName;
        Status = WorkflowStatus.Pending;
        CurrentInput = currentInput;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public WorkflowId Id { get; }

    public string WorkflowName { get; }

    public WorkflowStatus Status { get; private set; }

    /// <summary>The JSON object the current step receives; after the last step, the workflow's final output.</summary>
    public string CurrentInput { get; private set; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the request that started the workflow, or null: the spans of its tasks join that
    /// trace, however much later and wherever they run.
    /// </summary>
    public string? TraceParent { get; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// Creates a PENDING instance together with its first task, PENDING too, that receives <paramref name="input"/>
    /// and may be claimed from <paramref name="startAt"/> on (a delayed start), or at once when that is null or past.
    /// </summary>
    public static (WorkflowInstance Workflow, WorkflowTask FirstTask) Create(
        WorkflowDefinition definition, string input, DateTimeOffset now, string? traceParent = null, DateTimeOffset? startAt = null)
    {
        var workflow = new WorkflowInstance(WorkflowId.New(now), definition.Name, input, traceParent, now);
        var firstTask = WorkflowTask.Create(workflow.Id, definition.FirstStep, input, now, startAt);
        return (workflow, firstTask);
    }

    /// <summary>PENDING to RUNNING: its first task was claimed.</summary>
    public void Start(DateTimeOffset now)
    {
        Require(WorkflowStatus.Pending, "start");
        Status = WorkflowStatus.Running;
        UpdatedAt = now;
    }

    /// <summary>RUNNING stays RUNNING: a step completed and the next one receives <paramref name="nextInput"/>.</summary>
    public void Advance(string nextInput, DateTimeOffset now)
    {
        Require(WorkflowStatus.Running, "advance");
        CurrentInput = nextInput;
        UpdatedAt = now;
    }

    /// <summary>RUNNING to COMPLETED: the last step completed with <paramref name="output"/>.</summary>
    public void Complete(string output, DateTimeOffset now)
    {
        Require(WorkflowStatus.Running, "complete");
        Status = WorkflowStatus.Completed;
        CurrentInput = output;
        UpdatedAt = now;
    }

    /// <summary>RUNNING to FAILED: a step failed for good.</summary>
    public void Fail(DateTimeOffset now)
    {
        Require(WorkflowStatus.Running, "fail");
        Status = WorkflowStatus.Failed;
        UpdatedAt = now;
    }

    /// <summary>Whether the workflow has ended: COMPLETED, FAILED or CANCELLED.</summary>
    public static bool IsFinished(WorkflowStatus status) =>
        status is WorkflowStatus.Completed or WorkflowStatus.Failed or WorkflowStatus.Cancelled;

    /// <summary>Whether a workflow in <paramref name="status"/> may be cancelled: PENDING or RUNNING.</summary>
    public static bool CanCancel(WorkflowStatus status) => !IsFinished(status);

    /// <summary>Whether a workflow in <paramref name="status"/> may be retried: FAILED or CANCELLED.</summary>
    public static bool CanRetry(WorkflowStatus status) => status is WorkflowStatus.Failed or WorkflowStatus.Cancelled;

    /// <summary>PENDING or RUNNING to CANCELLED: an operator stopped it; no further step runs.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (!CanCancel(Status))
        {
            throw new DomainException($"Cannot cancel workflow {Id}: it is {Status.ToName()} already.");
        }

        Status = WorkflowStatus.Cancelled;
        UpdatedAt = now;
    }

    /// <summary>
    /// FAILED or CANCELLED to PENDING: an operator resumes it from the step that failed or was cancelled; the steps
    /// that completed are not run again.
    /// </summary>
    public void Retry(DateTimeOffset now)
    {
        if (!CanRetry(Status))
        {
            throw new DomainException(
                $"Cannot retry workflow {Id}: it is {Status.ToName()}, not {StatusNames.Failed} or {StatusNames.Cancelled}.");
        }

        Status = WorkflowStatus.Pending;
        UpdatedAt = now;
    }

    private void Require(WorkflowStatus expected, string transition)
    {
        if (Status != expected)
        {
            throw new DomainException(
                $"Cannot {transition} workflow {Id}: it is {Status.ToName()}, not {expected.ToName()}.");
        }
    }
}
