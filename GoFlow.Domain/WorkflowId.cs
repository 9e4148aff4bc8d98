using System.Diagnostics.CodeAnalysis;

namespace GoFlow.Domain;

/// <summary>
/// A workflow instance id: a version 7 UUID, so ids sort by creation time and inserts stay at the end of the primary key.
/// </summary>
public readonly record struct WorkflowId(Guid Value)
{
    public static WorkflowId New(DateTimeOffset now) => new(Guid.CreateVersion7(now));

    /// <summary>
    /// Parses the canonical 36-character form (hexadecimal digits in either case); anything else is not a workflow id,
    /// so that one workflow has one spelling. (<see cref="Guid.TryParseExact(string, string, out Guid)"/> alone also
    /// takes a sign before a group, such as <c>+1a2436d-...</c> for <c>01a2436d-...</c>.)
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out WorkflowId id)
    {
        if (text is { Length: 36 }
            && Guid.TryParseExact(text, "D", out var guid)
            && guid.ToString("D").Equals(text, StringComparison.OrdinalIgnoreCase))
        {
            id = new WorkflowId(guid);
            return true;
        }

        id = default;
        return false;
    }

    public override string ToString() => Value.ToString("D");
}
