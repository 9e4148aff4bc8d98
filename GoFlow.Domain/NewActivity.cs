using System.Text;

namespace GoFlow.Domain;

/// <summary>
/// An activity row a transition writes (<see cref="Transitions.TaskTransition.Log"/>,
/// <see cref="Transitions.WorkflowTransition.Log"/>); <paramref name="TaskId"/> is null for a row about the whole workflow.
/// </summary>
public sealed record NewActivity(WorkflowId WorkflowId, TaskId? TaskId, string Action, string Details, DateTimeOffset CreatedAt);

/// <summary>
/// The task an activity row is about: what its details name. <paramref name="TaskId"/> is null while a store has not
/// yet given the task its id; <paramref name="WorkerId"/> is the worker a TASK_STARTED row names.
/// </summary>
/// <remarks>
/// A value, not an object: every recorded step names its task here (<c>ClaimedTask.Subject</c> makes one on each read),
/// and the subject only lives while its rows are composed, so a heap allocation per read would buy nothing. Being a
/// struct, it has a default that no constructor made: one that names no task. A row about no task would be a row about
/// nothing, so such a subject refuses to be read (<see cref="TaskName"/> throws) rather than write a null name into a row;
/// "no subject" is a nullable <c>ActivitySubject?</c>, as a hand-over without a next task is.
/// </remarks>
public readonly record struct ActivitySubject(WorkflowId WorkflowId, TaskId? TaskId, string TaskName, int Attempt, string? WorkerId = null)
{
    private readonly string _taskName = Named(TaskName);

    /// <summary>The task's step name; never null or empty.</summary>
    /// <exception cref="InvalidOperationException">The subject is <c>default</c>: no constructor made it.</exception>
    public string TaskName
    {
        get => _taskName ?? throw new InvalidOperationException(
            "This ActivitySubject is a default value and names no task; make one with its constructor.");
        init => _taskName = Named(value);
    }

    // The generated ToString prints through this: a log line or a debugger showing a default subject must not throw.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"WorkflowId = {WorkflowId}, TaskId = {TaskId}, TaskName = {_taskName}, Attempt = {Attempt}, WorkerId = {WorkerId}");
        return true;
    }

    private static string Named(string taskName) =>
        string.IsNullOrEmpty(taskName) ? throw new ArgumentException("An activity's subject names its task.", nameof(TaskName)) : taskName;
}
