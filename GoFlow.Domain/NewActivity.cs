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
/// and the subject only lives while its rows are composed, so a heap allocation per read would buy nothing.
/// </remarks>
public readonly record struct ActivitySubject(WorkflowId WorkflowId, TaskId? TaskId, string TaskName, int Attempt, string? WorkerId = null);
