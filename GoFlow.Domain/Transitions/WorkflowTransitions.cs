using static GoFlow.Domain.WorkflowStatus;

namespace GoFlow.Domain.Transitions;

/// <summary>Every transition of a workflow: the workflow's state machine (docs/state-machine.md).</summary>
public static class WorkflowTransitions
{
    /// <summary>A client starts a workflow: it is stored PENDING with its first task.</summary>
    public static readonly WorkflowTransition Create = new("create", [], Pending, SetsCurrentInput: true, [ActivityAction.WorkflowCreated]);

    /// <summary>Its first task is claimed (a later step's claim finds it RUNNING and leaves it so).</summary>
    public static readonly WorkflowTransition Start = new("start", [Pending], Running, SetsCurrentInput: false, []);

    /// <summary>A step completed and there is a next one: its output becomes the next step's input.</summary>
    public static readonly WorkflowTransition Advance = new("advance", [Running], Running, SetsCurrentInput: true, []);

    /// <summary>The last step completed: its output is the workflow's.</summary>
    public static readonly WorkflowTransition Complete = new(
        "complete", [Running], Completed, SetsCurrentInput: true, [ActivityAction.WorkflowCompleted]);

    /// <summary>A step failed for good (its holder, or the lease sweep on the last attempt).</summary>
    public static readonly WorkflowTransition Fail = new("fail", [Running], Failed, SetsCurrentInput: false, [ActivityAction.WorkflowFailed]);

    /// <summary>An operator stops an unfinished workflow, with its unfinished task.</summary>
    public static readonly WorkflowTransition Cancel = new(
        "cancel", [Pending, Running], Cancelled, SetsCurrentInput: false, [ActivityAction.WorkflowCancelled]);

    /// <summary>An operator resumes a failed or cancelled workflow from the step that stopped it.</summary>
    public static readonly WorkflowTransition Retry = new(
        "retry", [Failed, Cancelled], Pending, SetsCurrentInput: false, [ActivityAction.WorkflowRetried]);

    /// <summary>Every workflow transition, the creation first.</summary>
    public static readonly IReadOnlyList<WorkflowTransition> All = [Create, Start, Advance, Complete, Fail, Cancel, Retry];

    /// <summary>Whether a workflow in <paramref name="status"/> has ended: no transition leads on from it but an operator's retry.</summary>
    public static bool IsFinished(WorkflowStatus status) =>
        All.Where(transition => transition != Retry).All(transition => !transition.CanStartFrom(status));
}
