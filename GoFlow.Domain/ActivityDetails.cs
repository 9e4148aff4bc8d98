using System.Buffers;
using System.Text;
using System.Text.Json;

namespace GoFlow.Domain;

/// <summary>
/// The small JSON objects stored in an activity row's <c>details</c>. Built here so that every store
/// writes the same shape for the same action.
/// </summary>
public static class ActivityDetails
{
    /// <summary>What a thread's buffer holds at most between two objects; the usual one is under 100 bytes.</summary>
    private const int KeptBufferBytes = 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    public static string ForWorkflow(string workflowName) =>
        Write(workflowName, static (writer, workflowName) => writer.WriteString("workflow_name", workflowName));

    /// <summary>A TASK_STARTED row's details: the task, its attempt and the worker that runs it.</summary>
    public static string ForStartedTask(string taskName, int attempt, string workerId) =>
        Write((taskName, attempt, workerId), static (writer, task) =>
        {
            writer.WriteString("task_name", task.taskName);
            writer.WriteNumber("attempt", task.attempt);
            writer.WriteString("worker_id", task.workerId);
        });

    public static string ForTask(string taskName, int attempt, string? error = null, DateTimeOffset? retryAt = null) =>
        Write((taskName, attempt, error, retryAt), static (writer, task) =>
        {
            writer.WriteString("task_name", task.taskName);
            writer.WriteNumber("attempt", task.attempt);
            if (task.error is not null)
            {
                writer.WriteString("error", task.error);
            }

            if (task.retryAt is { } due)
            {
                writer.WriteString("retry_at", due.UtcDateTime);
            }
        });

    /// <summary>A TASK_WAITING row's details: the task, its attempt, the signal it waits for and until when.</summary>
    public static string ForWaitingTask(string taskName, int attempt, string signalName, DateTimeOffset timeoutAt) =>
        Write((taskName, attempt, signalName, timeoutAt), static (writer, task) =>
        {
            writer.WriteString("task_name", task.taskName);
            writer.WriteNumber("attempt", task.attempt);
            writer.WriteString("signal", task.signalName);
            writer.WriteString("timeout_at", task.timeoutAt.UtcDateTime);
        });

    /// <summary>A SIGNAL_RECEIVED row's details: the signal's name and, when it came with one, its Idempotency-Key.</summary>
    public static string ForSignal(string signalName, string? idempotencyKey) =>
        Write((signalName, idempotencyKey), static (writer, signal) =>
        {
            writer.WriteString("signal", signal.signalName);
            if (signal.idempotencyKey is not null)
            {
                writer.WriteString("idempotency_key", signal.idempotencyKey);
            }
        });

    /// <summary>
    /// Writes one object. Every task step writes a row or two, so each thread keeps its buffer and writer for the next
    /// object (a call runs to its end on the thread that made it), and the properties are written by a static lambda
    /// from a state value rather than by a closure.
    /// </summary>
    private static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> writeProperties)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(KeptBufferBytes);
        var writer = _writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writeProperties(writer, state);
        writer.WriteEndObject();
        writer.Flush();
        var details = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > KeptBufferBytes)
        {
            // A long error message grew it: the thread does not keep that much for the small objects that follow.
            (_buffer, _writer) = (null, null);
        }

        return details;
    }
}
