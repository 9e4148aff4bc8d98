using GoFlow.Domain;

namespace GoFlow.Application.Definitions;

/// <summary>Resolves each task's policy: its own settings, else its workflow's, else the <c>Worker</c> section's.</summary>
internal static class TaskPolicies
{
    /// <summary>The definition named <paramref name="name"/>, with one policy per task and its wait steps.</summary>
    /// <exception cref="DomainException">A resolved value breaks a rule (fewer than one attempt, a wait of zero, say).</exception>
    public static WorkflowDefinition ToDefinition(string name, WorkflowOptions workflow, TaskPolicyOptions defaults) =>
        new(
            name,
            workflow.Tasks,
            [.. workflow.Tasks.Select(task => Resolve(workflow, task, defaults))],
            workflow.Waits.ToDictionary(wait => wait.Key, wait => wait.Value.ToStepWait(), StringComparer.Ordinal),
            SignalStepOptions.ToSignals(workflow));

    private static TaskPolicy Resolve(WorkflowOptions workflow, string taskName, TaskPolicyOptions defaults)
    {
        var task = workflow.TaskSettings.GetValueOrDefault(taskName) ?? new TaskPolicyOverrides();
        return new TaskPolicy(
            task.MaxAttempts ?? workflow.MaxAttempts ?? defaults.MaxAttempts,
            task.TaskTimeout ?? workflow.TaskTimeout ?? defaults.TaskTimeout,
            new RetryBackoff(
                task.RetryBaseDelay ?? workflow.RetryBaseDelay ?? defaults.RetryBaseDelay,
                task.RetryBackoffFactor ?? workflow.RetryBackoffFactor ?? defaults.RetryBackoffFactor,
                task.RetryMaxDelay ?? workflow.RetryMaxDelay ?? defaults.RetryMaxDelay));
    }
}
