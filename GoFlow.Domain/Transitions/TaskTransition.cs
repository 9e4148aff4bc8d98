namespace GoFlow.Domain.Transitions;

/// <summary>
/// One change of a task's status, stated once: the statuses it may start from, the status it leads to, what else it
/// sets, what a store must check beside the status, and the activity rows it writes. The stores turn each into one
/// guarded statement whose row count tells whether it applied (docs/state-machine.md, ADR 0017).
/// </summary>
/// <param name="Name">The transition's name, as docs/state-machine.md writes it.</param>
/// <param name="From">The statuses it may start from; empty for a task's creation.</param>
/// <param name="To">The status it leads to.</param>
/// <param name="Sets">The fields it sets beside the status and updated_at.</param>
/// <param name="Guard">What the store checks beside the status, in the same statement.</param>
/// <param name="Activity">The actions of the activity rows it writes, in order (<see cref="ActivityAction"/>).</param>
public sealed record TaskTransition(
    string Name,
    IReadOnlyList<WorkflowTaskStatus> From,
    WorkflowTaskStatus To,
    TaskFields Sets,
    TaskGuard Guard,
    IReadOnlyList<string> Activity)
{
    /// <summary>Whether a task in <paramref name="status"/> may take this transition.</summary>
    public bool CanStartFrom(WorkflowTaskStatus status) => From.Contains(status);

    /// <summary>Whether the transition creates the task rather than changing one.</summary>
    public bool Creates => From.Count == 0;

    /// <summary>
    /// The attempt number a task holds after this transition, given the one it held before (0 for a creation): one more
    /// when the transition counts an attempt (<see cref="TaskFields.AttemptCounted"/>: a claim, a hand-over), one less
    /// when it gives one back (<see cref="TaskFields.AttemptGivenBack"/>: a release, a snooze), else the same. The stores'
    /// guarded SQL says the same in its own words (<c>attempt = attempt + 1</c>); a claim answers with this rather than
    /// reading the row back, and the transition-table contract holds every store's rows to it.
    /// </summary>
    public int AttemptAfter(int attempt) =>
        Sets.HasFlag(TaskFields.AttemptCounted) ? attempt + 1
        : Sets.HasFlag(TaskFields.AttemptGivenBack) ? attempt - 1
        : attempt;

    /// <summary>
    /// The activity rows this transition writes for <paramref name="task"/> at <paramref name="at"/>: a TASK_STARTED row
    /// names the worker, a row of a transition that sets the error carries it, and <paramref name="retryAt"/> when given.
    /// </summary>
    public NewActivity[] Log(
        ActivitySubject task, DateTimeOffset at, string? error = null, DateTimeOffset? retryAt = null)
    {
        // Every step logs here, so the rows come as an array of their exact count rather than from an iterator, whose
        // object would cost more than the array and hold the subject (a value) twice. Indexed: a foreach over the
        // interface would allocate an enumerator each time.
        var rows = new NewActivity[Activity.Count];
        for (var index = 0; index < rows.Length; index++)
        {
            var action = Activity[index];
            var details = action == ActivityAction.TaskStarted
                ? ActivityDetails.ForStartedTask(task.TaskName, task.Attempt, task.WorkerId ?? string.Empty)
                : ActivityDetails.ForTask(task.TaskName, task.Attempt, Sets.HasFlag(TaskFields.Error) ? error : null, retryAt);
            rows[index] = new NewActivity(task.WorkflowId, task.TaskId, action, details, at);
        }

        return rows;
    }
}

/// <summary>The fields a <see cref="TaskTransition"/> sets beside its status and updated_at.</summary>
[Flags]
public enum TaskFields
{
    None = 0,

    /// <summary>The attempt counts one more (a claim).</summary>
    AttemptCounted = 1,

    /// <summary>The attempt is given back (a release: the next claim repeats its number).</summary>
    AttemptGivenBack = 2,

    /// <summary>A lease owner and expiry are set, and the owner is recorded as the task's worker.</summary>
    LeaseTaken = 4,

    /// <summary>The lease expiry moves on (a heartbeat).</summary>
    LeaseExtended = 8,

    /// <summary>The lease owner and expiry are cleared.</summary>
    LeaseEnded = 16,

    /// <summary>The handler's output is stored.</summary>
    Output = 32,

    /// <summary>The attempt's error is stored as the task's last error.</summary>
    Error = 64,

    /// <summary>The task is due again, at a given time or now.</summary>
    Scheduled = 128,

    /// <summary>Fresh attempts are granted: max_attempts becomes the attempt plus the step's budget.</summary>
    AttemptsGranted = 256,
}

/// <summary>What a store checks, in the guarded statement itself, beside the task's status.</summary>
public enum TaskGuard
{
    /// <summary>Nothing more: the status alone decides.</summary>
    None,

    /// <summary>The task is due: its scheduled time has come (a claim).</summary>
    Due,

    /// <summary>The task is still held by the writer's claim: the same lease owner and the same attempt.</summary>
    Claim,

    /// <summary>The lease ended before now and the task has attempts left.</summary>
    ExpiredLeaseWithAttemptsLeft,

    /// <summary>The lease ended before now on the task's last attempt.</summary>
    ExpiredLeaseOnLastAttempt,

    /// <summary>
    /// The task belongs to the workflow an operator changes (and, for a retry, is the step retried), or, for a signal's
    /// delivery, to the workflow signalled, at the step waiting for that signal.
    /// </summary>
    Workflow,

    /// <summary>The task is still held by the writer's claim, and no signal for it is stored (checked under the task's lock).</summary>
    NoSignalStored,
}
