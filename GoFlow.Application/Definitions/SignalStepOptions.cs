using GoFlow.Domain;

namespace GoFlow.Application.Definitions;

/// <summary>
/// A step that waits for a signal instead of running a handler, under <c>Workflows:&lt;Name&gt;:Signals:&lt;StepName&gt;</c>:
/// <code>"Signals": { "AwaitApproval": { "Name": "approved", "Timeout": "2.00:00:00" } }</code>
/// The step is one of the workflow's <c>Tasks</c> and needs no handler (ADR 0020).
/// </summary>
public sealed class SignalStepOptions
{
    /// <summary>
    /// The signal's name, as <c>POST /workflows/{id}/signals/{name}</c> gives it. Required: 1 to 100 characters of A-Z,
    /// a-z, 0-9, '-', '_' and '.'; no two steps of one workflow wait for the same name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// How long the step waits from the moment it starts waiting; then it fails, as a handler's last failure would.
    /// Required, between 1 second and 366 days.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The steps of <paramref name="workflow"/> that wait for a signal, by step name.</summary>
    /// <exception cref="DomainException">A signal's name or timeout is missing or breaks a rule of <see cref="StepSignal"/>.</exception>
    internal static Dictionary<string, StepSignal> ToSignals(WorkflowOptions workflow) =>
        workflow.Signals.ToDictionary(
            entry => entry.Key,
            entry => new StepSignal(
                entry.Value.Name ?? throw new DomainException($"Signal step '{entry.Key}' has no Name."),
                entry.Value.Timeout ?? throw new DomainException($"Signal step '{entry.Key}' has no Timeout.")),
            StringComparer.Ordinal);
}
