using System.Text.Json;

namespace GoFlow.Domain;

/// <summary>
/// The small JSON objects stored in an activity row's <c>details</c>. Built here so that every store
/// writes the same shape for the same action.
/// </summary>
public static class ActivityDetails
{
    public static string ForWorkflow(string workflowName) =>
        Write(writer => writer.WriteString("workflow_name", workflowName));

    /// <summary>A TASK_STARTED row's details: the task, its attempt and the worker that runs it.</summary>
    public static string ForStartedTask(string taskName, int attempt, string workerId) =>
        Write(writer =>
        {
            writer.WriteString("task_name", taskName);
            writer.WriteNumber("attempt", attempt);
            writer.WriteString("worker_id", workerId);
        });

    public static string ForTask(string taskName, int attempt, string? error = null, DateTimeOffset? retryAt = null) =>
        Write(writer =>
        {
            writer.WriteString("task_name", taskName);
            writer.WriteNumber("attempt", attempt);
            if (error is not null)
            {
                writer.WriteString("error", error);
            }

            if (retryAt is { } due)
            {
                writer.WriteString("retry_at", due.UtcDateTime);
            }
        });

    /// <summary>A TASK_WAITING row's details: the task, its attempt, the signal it waits for and until when.</summary>
    public static string ForWaitingTask(string taskName, int attempt, string signalName, DateTimeOffset timeoutAt) =>
        Write(writer =>
        {
            writer.WriteString("task_name", taskName);
            writer.WriteNumber("attempt", attempt);
            writer.WriteString("signal", signalName);
            writer.WriteString("timeout_at", timeoutAt.UtcDateTime);
        });

    /// <summary>A SIGNAL_RECEIVED row's details: the signal's name and, when it came with one, its Idempotency-Key.</summary>
    public static string ForSignal(string signalName, string? idempotencyKey) =>
        Write(writer =>
        {
            writer.WriteString("signal", signalName);
            if (idempotencyKey is not null)
            {
                writer.WriteString("idempotency_key", idempotencyKey);
            }
        });

    private static string Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
