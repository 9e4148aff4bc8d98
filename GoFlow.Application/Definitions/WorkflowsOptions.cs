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

/// <summary>One workflow's settings.</summary>
public sealed class WorkflowOptions
{
    /// <summary>The task names, in the order they run. Required, at least one; each needs a registered handler.</summary>
    public List<string> Tasks { get; init; } = [];
}
