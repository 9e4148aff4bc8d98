using GoFlow.Domain;

namespace GoFlow.Application.Definitions;

/// <summary>
/// A wait step's settings, in <c>Workflows:&lt;Name&gt;:Waits:&lt;StepName&gt;</c>: exactly one of <see cref="For"/> and
/// <see cref="UntilField"/>. The step is a name in the workflow's <c>Tasks</c> list and needs no handler.
/// <code>"Waits": { "cool-off": { "For": "00:10:00" }, "ship": { "UntilField": "ship_at" } }</code>
/// </summary>
public sealed class WaitOptions
{
    /// <summary>How long the step waits after the step before it completed; more than zero, at most 366 days.</summary>
    public TimeSpan? For { get; set; }

    /// <summary>The input field holding the time the wait ends (ISO 8601 with an offset); a time past means now.</summary>
    public string? UntilField { get; set; }

    /// <summary>The domain's wait these settings describe.</summary>
    /// <exception cref="DomainException">Neither or both are set, or a value breaks the domain's bounds.</exception>
    internal StepWait ToStepWait() => (For, UntilField) switch
    {
        ({ } duration, null) => StepWait.ForDuration(duration),
        (null, { } field) => StepWait.Until(field),
        _ => throw new DomainException($"A wait sets exactly one of {nameof(For)} and {nameof(UntilField)}."),
    };
}
