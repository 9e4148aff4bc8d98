using System.Collections;
using System.Globalization;
using GoFlow.Ports.Driven;

namespace GoFlow.Worker;

/// <summary>
/// The log scope of a task attempt: its workflow id, task id, task name and attempt, as the name/value pairs a
/// scope-aware provider reads (the JSON console formatter, OpenTelemetry). One is begun for every step, whether or not
/// a provider reads it, so it holds only the task and makes each pair when asked.
/// </summary>
internal sealed class TaskLogScope(ClaimedTask task) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("WorkflowId", task.WorkflowId.ToString()),
        1 => new("TaskId", task.Id.Value),
        2 => new("TaskName", task.TaskName),
        3 => new("Attempt", task.Attempt),
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A task's log scope has four pairs."),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var index = 0; index < Count; index++)
        {
            yield return this[index];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What the plain console formatter prints for the scope.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"WorkflowId:{task.WorkflowId} TaskId:{task.Id.Value} TaskName:{task.TaskName} Attempt:{task.Attempt}");
}
