namespace GoFlow.Domain.Transitions;

/// <summary>
/// One change of a workflow's status, stated once: the statuses it may start from, the status it leads to, whether it
/// moves the current input on, and the activity rows it writes. The stores turn each into one guarded statement whose
/// row count tells whether it applied (docs/state-machine.md, ADR 0017).
/// </summary>
/// <param name="Name">The transition's name, as docs/state-machine.md writes it.</param>
/// <param name="From">The statuses it may start from; empty for a workflow's creation.</param>
/// <param name="To">The status it leads to.</param>
/// <param name="SetsCurrentInput">Whether it stores a step's output as the workflow's current input.</param>
/// <param name="Activity">The actions of the activity rows it writes (<see cref="ActivityAction"/>).</param>
public sealed record WorkflowTransition(
    string Name,
    IReadOnlyList<WorkflowStatus> From,
    WorkflowStatus To,
    bool SetsCurrentInput,
    IReadOnlyList<string> Activity)
{
    /// <summary>Whether a workflow in <paramref name="status"/> may take this transition.</summary>
    public bool CanStartFrom(WorkflowStatus status) => From.Contains(status);

    /// <summary>Whether the transition creates the workflow rather than changing one.</summary>
    public bool Creates => From.Count == 0;

    /// <summary>The activity rows this transition writes for workflow <paramref name="workflowId"/> at <paramref name="at"/>.</summary>
    public NewActivity[] Log(WorkflowId workflowId, string workflowName, DateTimeOffset at)
    {
        // An array, as TaskTransition.Log gives: a workflow's last step logs here.
        var rows = new NewActivity[Activity.Count];
        for (var index = 0; index < rows.Length; index++)
        {
            rows[index] = new NewActivity(workflowId, null, Activity[index], ActivityDetails.ForWorkflow(workflowName), at);
        }

        return rows;
    }
}
