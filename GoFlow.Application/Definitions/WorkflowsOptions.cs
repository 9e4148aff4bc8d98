namespace GoFlow.Application.Definitions;

/// <summary>
/// The <c>Workflows</c> configuration section: workflow name to its settings.
/// <code>"Workflows": { "OrderProcess": { "Tasks": [ "ValidateOrder", "DeductMoney", "SendEmail" ] } }</code>
/// </summary>
public sealed class WorkflowsOptions : Dictionary<string, WorkflowOptions>
{
    public const string SectionName = "Workflows";

    public WorkflowsOptions()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>One workflow's settings: its tasks, and optionally its own retry and timeout values.</summary>
public sealed class WorkflowOptions : TaskPolicyOverrides
{
    /// <summary>
    /// The step names, in the order they run. Required, at least one; each needs a registered handler, unless it is a
    /// wait step (<see cref="Waits"/>) or waits for a signal (<see cref="Signals"/>).
    /// </summary>
    public List<string> Tasks { get; init; } = [];

    /// <summary>Per-task values, by task name, that win over the workflow's and the <c>Worker</c> section's.</summary>
    public Dictionary<string, TaskPolicyOverrides> TaskSettings { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The wait steps, by step name: each is a name in <see cref="Tasks"/> that the engine runs itself (ADR 0019).</summary>
    public Dictionary<string, WaitOptions> Waits { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The steps, by task name, that wait for a signal instead of running a handler.</summary>
    public Dictionary<string, SignalStepOptions> Signals { get; init; } = new(StringComparer.Ordinal);
}
