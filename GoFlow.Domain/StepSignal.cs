using System.Text.Json.Nodes;

namespace GoFlow.Domain;

/// <summary>
/// What a signal step waits for: the signal named <see cref="Name"/>, for at most <see cref="Timeout"/> from the moment
/// the step starts waiting. The payload it receives becomes the step's output (<see cref="MergeInto"/>); no signal within
/// the timeout fails the step as a handler failure would (ADR 0020).
/// </summary>
public sealed record StepSignal
{
    /// <summary>The longest signal name: it travels in a URL path segment and is stored beside the workflow id.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The shortest timeout: 1 second.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The longest timeout: 366 days (an approval a year away is likelier a typo than a plan).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(366);

    /// <exception cref="DomainException">The name or the timeout breaks a rule above.</exception>
    public StepSignal(string name, TimeSpan timeout)
    {
        if (!IsValidName(name))
        {
            throw new DomainException(
                $"A signal name is 1 to {MaxNameLength} characters of A-Z, a-z, 0-9, '-', '_' and '.'; '{name}' is not.");
        }

        if (timeout < MinTimeout || timeout > MaxTimeout)
        {
            throw new DomainException($"A signal's timeout is between {MinTimeout} and {MaxTimeout}; {timeout} is not.");
        }

        Name = name;
        Timeout = timeout;
    }

    public string Name { get; }

    public TimeSpan Timeout { get; }

    /// <summary>
    /// Whether <paramref name="name"/> may name a signal: ASCII letters, digits, '-', '_' and '.', so that it reads the
    /// same in a URL, a log and both stores' collations.
    /// </summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && name.All(IsNameCharacter);

    /// <summary>
    /// The step's output: its <paramref name="input"/> object with the signal's <paramref name="payload"/> fields set
    /// over it, top level only (a field of the payload replaces the input's field of the same name whole), so that the
    /// data the workflow carried flows on to the next step beside what the signal brought.
    /// </summary>
    public static JsonObject MergeInto(JsonObject input, JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(payload);
        var output = (JsonObject)input.DeepClone();
        foreach (var (name, value) in payload)
        {
            output[name] = value?.DeepClone();
        }

        return output;
    }

    private static bool IsNameCharacter(char character) =>
        char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.';
}
