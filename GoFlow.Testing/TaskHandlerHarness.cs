using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Testing;

/// <summary>
/// Runs one task handler on JSON input, as the engine would hand it over, and tells how it ended: its output, or its
/// failure and whether it was permanent (no retry), or that it stopped when its cancellation token fired.
/// </summary>
/// <example>
/// <code>
/// var outcome = await TaskHandlerHarness.RunAsync(new ValidateOrder(), """{"order_id": "A-1", "amount": -5}""");
/// Assert.That(outcome.IsPermanentFailure, Is.True);
/// </code>
/// </example>
// RS0026 guards against overloads told apart only by optional parameters; these two differ by their input's type,
// and each takes an optional cancellation token, as the BCL's async methods do.
#pragma warning disable RS0026
public static class TaskHandlerHarness
{
    /// <param name="inputPayload">The task's input as JSON object text.</param>
    /// <param name="cancellationToken">Handed to the handler; cancel it to test that the handler honours it.</param>
    /// <exception cref="ArgumentException"><paramref name="inputPayload"/> is not a JSON object (no task receives that).</exception>
    public static async Task<HandlerOutcome> RunAsync(
        ITaskHandler handler, string inputPayload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        JsonObject input;
        try
        {
            input = JsonNode.Parse(inputPayload) as JsonObject
                ?? throw new ArgumentException("A task's input is a JSON object.", nameof(inputPayload));
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"The input is not JSON: {exception.Message}", nameof(inputPayload), exception);
        }

        return await RunAsync(handler, input, cancellationToken);
    }

    /// <param name="input">The task's input; the handler may change it, as it may in the engine.</param>
    /// <param name="cancellationToken">Handed to the handler; cancel it to test that the handler honours it.</param>
    public static async Task<HandlerOutcome> RunAsync(
        ITaskHandler handler, JsonObject input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            // The engine refuses a null output too: the attempt fails.
            var output = await handler.HandleAsync(input, cancellationToken);
            return output is null
                ? HandlerOutcome.FromFailure(new InvalidOperationException("The handler returned no output."))
                : HandlerOutcome.FromOutput(output);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return HandlerOutcome.FromCancellation();
        }
        catch (TaskSnoozeException snooze)
        {
            return HandlerOutcome.FromSnooze(snooze.Delay);
        }
#pragma warning disable CA1031 // Whatever the handler throws is the outcome under test.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return HandlerOutcome.FromFailure(exception);
        }
    }
}
#pragma warning restore RS0026

/// <summary>How one handler call ended (see <see cref="TaskHandlerHarness"/>).</summary>
public sealed record HandlerOutcome
{
    private HandlerOutcome(JsonObject? output, Exception? failure, bool wasCancelled, TimeSpan? snoozedFor = null)
    {
        Output = output;
        Failure = failure;
        WasCancelled = wasCancelled;
        SnoozedFor = snoozedFor;
    }

    /// <summary>What the handler returned, the next task's input; null unless it completed.</summary>
    public JsonObject? Output { get; }

    /// <summary>What the handler threw; null unless it failed.</summary>
    public Exception? Failure { get; }

    /// <summary>The handler stopped with an <see cref="OperationCanceledException"/> after its token fired.</summary>
    public bool WasCancelled { get; }

    public bool IsCompleted => Output is not null;

    /// <summary>
    /// The delay the handler snoozed for (it threw <see cref="TaskSnoozeException"/>): the engine runs the task again
    /// after it, without using up the attempt. Null unless it snoozed; a snooze is not a failure.
    /// </summary>
    public TimeSpan? SnoozedFor { get; }

    /// <summary>The handler threw: the engine records the attempt as failed.</summary>
    public bool IsFailure => Failure is not null;

    /// <summary>
    /// The handler threw <see cref="PermanentTaskFailureException"/>: the engine fails the task at once, whatever
    /// attempts it has left. Any other failure is retried while attempts remain.
    /// </summary>
    public bool IsPermanentFailure => Failure is PermanentTaskFailureException;

    /// <summary>The error the engine records for this failure: the exception's message.</summary>
    public string? Error => Failure?.Message;

    internal static HandlerOutcome FromOutput(JsonObject output) => new(output, null, wasCancelled: false);

    internal static HandlerOutcome FromFailure(Exception failure) => new(null, failure, wasCancelled: false);

    internal static HandlerOutcome FromCancellation() => new(null, null, wasCancelled: true);

    internal static HandlerOutcome FromSnooze(TimeSpan delay) => new(null, null, wasCancelled: false, delay);
}
