using GoFlow.Ports.Driven;

namespace GoFlow.Application.Definitions;

/// <summary>
/// A workflow defined in code: its steps in the order they run, each a task handler resolved from DI, a wait, or a wait
/// for a signal, and optionally its own retry and timeout values. Built by
/// <see cref="ApplicationServiceCollectionExtensions.AddGoFlowWorkflow"/>; a <c>Workflows:&lt;Name&gt;</c>
/// configuration section of the same name can change its steps and values.
/// </summary>
public sealed class WorkflowDefinitionBuilder
{
    private readonly List<DefinedStep> _steps = [];
    private readonly TaskPolicyOverrides _policy = new();

    internal WorkflowDefinitionBuilder()
    {
    }

    internal IReadOnlyList<DefinedStep> Steps => _steps;

    /// <summary>
    /// Adds a step run by <typeparamref name="THandler"/>, a new instance from DI for every attempt. The task is named
    /// <paramref name="taskName"/>, by default the handler's class name; <paramref name="policy"/> sets this task's own
    /// retry and timeout values.
    /// </summary>
    public WorkflowDefinitionBuilder Step<THandler>(string? taskName = null, Action<TaskPolicyOverrides>? policy = null)
        where THandler : class, ITaskHandler
    {
        var overrides = new TaskPolicyOverrides();
        policy?.Invoke(overrides);
        _steps.Add(new DefinedStep(taskName ?? typeof(THandler).Name, typeof(THandler), overrides));
        return this;
    }

    /// <summary>
    /// Adds a step named <paramref name="stepName"/> that waits for the signal <paramref name="signalName"/> for at most
    /// <paramref name="timeout"/>: its output is its input with the signal's payload merged over it (ADR 0020).
    /// </summary>
    public WorkflowDefinitionBuilder WaitForSignal(string stepName, string signalName, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stepName);
        _steps.Add(new DefinedStep(stepName, HandlerType: null, new TaskPolicyOverrides(), new SignalStepOptions
        {
            Name = signalName,
            Timeout = timeout,
        }));
        return this;
    }

    /// <summary>Adds a wait step named <paramref name="stepName"/> that waits <paramref name="duration"/> (ADR 0019).</summary>
    public WorkflowDefinitionBuilder Wait(string stepName, TimeSpan duration) =>
        AddWait(stepName, new WaitOptions { For = duration });

    /// <summary>
    /// Adds a wait step named <paramref name="stepName"/> that waits until the time in its input's field
    /// <paramref name="untilField"/> (ADR 0019).
    /// </summary>
    public WorkflowDefinitionBuilder WaitUntil(string stepName, string untilField) =>
        AddWait(stepName, new WaitOptions { UntilField = untilField });

    /// <summary>Sets the workflow's own retry and timeout values, which its steps' own values win over.</summary>
    public WorkflowDefinitionBuilder WithPolicy(Action<TaskPolicyOverrides> policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy(_policy);
        return this;
    }

    private WorkflowDefinitionBuilder AddWait(string stepName, WaitOptions wait)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stepName);
        _steps.Add(new DefinedStep(stepName, HandlerType: null, new TaskPolicyOverrides(), Wait: wait));
        return this;
    }

    /// <summary>The definition as the <c>Workflows</c> section would hold it, so that both are validated alike.</summary>
    internal WorkflowOptions ToOptions()
    {
        var options = new WorkflowOptions
        {
            Tasks = [.. _steps.Select(step => step.TaskName)],
            MaxAttempts = _policy.MaxAttempts,
            TaskTimeout = _policy.TaskTimeout,
            RetryBaseDelay = _policy.RetryBaseDelay,
            RetryBackoffFactor = _policy.RetryBackoffFactor,
            RetryMaxDelay = _policy.RetryMaxDelay,
        };
        foreach (var step in _steps)
        {
            if (step.Wait is { } wait)
            {
                options.Waits[step.TaskName] = wait;
                continue;
            }

            options.TaskSettings[step.TaskName] = step.Policy;
            if (step.Signal is not null)
            {
                options.Signals[step.TaskName] = step.Signal;
            }
        }

        return options;
    }

    /// <summary>
    /// A step: a task run by <paramref name="HandlerType"/>, or, with no handler, a wait step (<paramref name="Wait"/>)
    /// or a step waiting for <paramref name="Signal"/>.
    /// </summary>
    internal sealed record DefinedStep(
        string TaskName, Type? HandlerType, TaskPolicyOverrides Policy, SignalStepOptions? Signal = null, WaitOptions? Wait = null);
}
