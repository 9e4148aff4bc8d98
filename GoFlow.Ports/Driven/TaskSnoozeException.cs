using GoFlow.Domain;

namespace GoFlow.Ports.Driven;

/// <summary>
/// Thrown by a task handler to run its task again after <see cref="Delay"/> without using up an attempt, as River's
/// <c>JobSnooze</c> does: the task goes back to PENDING, due then, with a TASK_SNOOZED row. A delay of zero runs it again
/// as soon as a worker is free. An exception rather than a return value, because a handler's return value is the next
/// step's input (ADR 0019).
/// </summary>
public sealed class TaskSnoozeException : Exception
{
    /// <param name="delay">From zero to <see cref="StepWait.Longest"/>.</param>
    public TaskSnoozeException(TimeSpan delay)
        : base($"The handler snoozed its task for {delay}.")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, StepWait.Longest);
        Delay = delay;
    }

    /// <summary>How long the task waits before a worker may claim it again.</summary>
    public TimeSpan Delay { get; }
}
