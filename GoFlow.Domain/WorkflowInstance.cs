namespace GoFlow.Domain;

/// <summary>
/// One run of a workflow definition, as it is created. Its later changes are the transitions of
/// <see cref="Transitions.WorkflowTransitions"/>, which the stores apply as guarded SQL (docs/state-machine.md).
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

    public WorkflowStatus Status { get; }

    /// <summary>The JSON object the current step receives; after the last step, the workflow's final output.</summary>
    public string CurrentInput { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the request that started the workflow, or null: the spans of its tasks join that
    /// trace, however much later and wherever they run.
    /// </summary>
    public string? TraceParent { get; }

    public DateTimeOffset UpdatedAt { get; }

    /// <summary>
    /// Creates a PENDING instance together with its first task, PENDING too, that receives <paramref name="input"/>
    /// and may be claimed from <paramref name="startAt"/> on (a delayed start), or at once when that is null or past.
    /// A first step that is a wait is due at its end, reckoned from the start.
    /// </summary>
    public static (WorkflowInstance Workflow, WorkflowTask FirstTask) Create(
        WorkflowDefinition definition, string input, DateTimeOffset now, string? traceParent = null, DateTimeOffset? startAt = null)
    {
        var workflow = new WorkflowInstance(WorkflowId.New(now), definition.Name, input, traceParent, now);
        var start = startAt > now ? startAt.Value : now;
        var firstTask = WorkflowTask.Create(workflow.Id, definition.FirstStep, input, now, definition.FirstStep.DueAt(input, start) ?? start);
        return (workflow, firstTask);
    }
}
