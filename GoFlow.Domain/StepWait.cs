using System.Globalization;
using System.Text.Json;

namespace GoFlow.Domain;

/// <summary>
/// What a wait step waits for: a fixed time after the step before it completed (<see cref="For"/>), or the time an
/// input field names (<see cref="UntilField"/>); exactly one of the two. The step's input passes through unchanged
/// (ADR 0019).
/// </summary>
public sealed record StepWait
{
    /// <summary>
    /// The longest a wait or a snooze may last: 366 days. A longer pause is likelier a unit mistaken (seconds read as
    /// minutes, a year typed wrong) than a plan, and a plan that far ahead is a schedule's or a delayed start's job.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    private StepWait(TimeSpan? duration, string? untilField)
    {
        For = duration;
        UntilField = untilField;
    }

    /// <summary>How long the step waits after the step before it completed; null when <see cref="UntilField"/> says.</summary>
    public TimeSpan? For { get; }

    /// <summary>The top-level input field whose time (ISO 8601 with an offset) ends the wait; null when <see cref="For"/> says.</summary>
    public string? UntilField { get; }

    /// <summary>A wait of <paramref name="duration"/>: more than zero and at most <see cref="Longest"/>.</summary>
    public static StepWait ForDuration(TimeSpan duration) =>
        duration > TimeSpan.Zero && duration <= Longest
            ? new StepWait(duration, null)
            : throw new DomainException($"A wait lasts more than zero and at most {Longest.Days} days, not {duration}.");

    /// <summary>A wait until the time in input field <paramref name="field"/>.</summary>
    public static StepWait Until(string field) =>
        !string.IsNullOrWhiteSpace(field)
            ? new StepWait(null, field)
            : throw new DomainException("A wait until a time needs the name of the input field that holds it.");

    /// <summary>
    /// When a wait that begins at <paramref name="now"/> on <paramref name="input"/> ends: now + <see cref="For"/>, or
    /// the time in <see cref="UntilField"/> (a time already past means now). An until time that is missing, not a time
    /// with an offset, or further than <see cref="Longest"/> ahead is refused with the reason, as the step's error.
    /// </summary>
    public WaitEnd EndFor(string input, DateTimeOffset now)
    {
        if (For is { } duration)
        {
            return WaitEnd.At(now + duration);
        }

        if (!TryReadUntil(input, out var until, out var error))
        {
            return WaitEnd.Refused(error);
        }

        if (until - now > Longest)
        {
            return WaitEnd.Refused(
                $"The wait's end in input field '{UntilField}' is more than {Longest.Days} days ahead ({until:O}).");
        }

        return WaitEnd.At(until > now ? until : now);
    }

    /// <summary>
    /// When a wait step claimed at <paramref name="now"/> ends: a fixed wait was reckoned when its task was created and
    /// is over once the task could be claimed; an until wait reads its time again, so a step claimed early (an operator's
    /// retry, say) still waits for it, and a time that cannot be read is refused.
    /// </summary>
    public WaitEnd EndWhenClaimed(string input, DateTimeOffset now) =>
        For is null ? EndFor(input, now) : WaitEnd.At(now);

    private bool TryReadUntil(string input, out DateTimeOffset until, out string error)
    {
        until = default;
        error = $"The wait needs input field '{UntilField}' to hold a time in ISO 8601 with an offset (2026-03-01T09:00:00Z).";
        try
        {
            using var document = JsonDocument.Parse(input);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty(UntilField!, out var field)
                || field.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            // An offset is required: a time without one would be read in a zone the workflow's author cannot know.
            var text = field.GetString()!;
            return HasOffset(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out until);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z')
        || (text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':');
}

/// <summary>When a wait ends (<see cref="Due"/>), or why it cannot (<see cref="Error"/>): exactly one is set.</summary>
public sealed record WaitEnd(DateTimeOffset? Due, string? Error)
{
    public static WaitEnd At(DateTimeOffset due) => new(due, null);

    public static WaitEnd Refused(string error) => new(null, error);
}
