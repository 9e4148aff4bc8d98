namespace GoFlow.Domain;

/// <summary>A named, ordered list of task names: the tasks of a workflow run one after the other in this order.</summary>
public sealed class WorkflowDefinition
{
    /// <param name="policies">The policy of each task, in the same order; every task gets <see cref="TaskPolicy.Default"/> when null.</param>
    /// <param name="waits">The wait steps, by step name: a name found here is a wait step, not a task with a handler.</param>
    /// <param name="signals">The steps, by task name, that wait for a signal instead of running a handler.</param>
    public WorkflowDefinition(
        string name,
        IReadOnlyList<string> taskNames,
        IReadOnlyList<TaskPolicy>? policies = null,
        IReadOnlyDictionary<string, StepWait>? waits = null,
        IReadOnlyDictionary<string, StepSignal>? signals = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainException("A workflow definition needs a name.");
        }

        if (taskNames.Count == 0)
        {
            throw new DomainException($"Workflow definition '{name}' has no tasks.");
        }

        if (taskNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new DomainException($"Workflow definition '{name}' has a blank task name.");
        }

        if (policies is not null && policies.Count != taskNames.Count)
        {
            throw new DomainException(
                $"Workflow definition '{name}' has {taskNames.Count} tasks but {policies.Count} task policies.");
        }

        if (waits?.Keys.FirstOrDefault(step => !taskNames.Contains(step)) is { } stray)
        {
            throw new DomainException($"Workflow definition '{name}' has a wait '{stray}' that is not one of its steps.");
        }

        if (waits?.Keys.FirstOrDefault(step => signals?.ContainsKey(step) == true) is { } both)
        {
            throw new DomainException(
                $"Workflow definition '{name}' has step '{both}' both waiting for a time and for a signal; a step is at most one of them.");
        }

        Name = name;
        TaskNames = [.. taskNames];
        Steps = [.. taskNames.Select((taskName, index) => WorkflowStep.Of(
            index, taskName, policies?[index] ?? TaskPolicy.Default, waits?.GetValueOrDefault(taskName),
            signals?.GetValueOrDefault(taskName)))];
        CheckSignals(signals);
    }

    public string Name { get; }

    public IReadOnlyList<string> TaskNames { get; }

    /// <summary>The steps in the order they run, each with its task's policy.</summary>
    public IReadOnlyList<WorkflowStep> Steps { get; }

    /// <summary>The step a new instance starts with.</summary>
    public WorkflowStep FirstStep => Steps[0];

    /// <summary>The step at <paramref name="stepIndex"/>, or null when there is none.</summary>
    public WorkflowStep? StepAt(int stepIndex) =>
        stepIndex >= 0 && stepIndex < Steps.Count ? Steps[stepIndex] : null;

    /// <summary>The step that waits for the signal named <paramref name="signalName"/>, or null when none does.</summary>
    public WorkflowStep? StepAwaiting(string signalName) =>
        Steps.FirstOrDefault(step => step.Signal is { } signal && signal.Name == signalName);

    /// <summary>The step that follows <paramref name="stepIndex"/>, or null when that step is the last.</summary>
    public WorkflowStep? StepAfter(int stepIndex)
    {
        if (stepIndex < 0 || stepIndex >= TaskNames.Count)
        {
            throw new DomainException($"Workflow '{Name}' has no step {stepIndex}.");
        }

        return StepAt(stepIndex + 1);
    }

    /// <summary>
    /// A signal names one step, so that a delivery knows which step it wakes: two steps waiting for one name would
    /// leave the second waiting for a signal the first consumed.
    /// </summary>
    private void CheckSignals(IReadOnlyDictionary<string, StepSignal>? signals)
    {
        if (signals?.Keys.FirstOrDefault(stepName => !TaskNames.Contains(stepName)) is { } unknown)
        {
            throw new DomainException($"Workflow definition '{Name}' has a signal for '{unknown}', which is not one of its steps.");
        }

        var waiting = Steps.Where(step => step.Signal is not null).ToList();
        if (waiting.GroupBy(step => step.Signal!.Name).FirstOrDefault(group => group.Count() > 1) is { } twice)
        {
            throw new DomainException($"Workflow definition '{Name}' has more than one step waiting for signal '{twice.Key}'.");
        }
    }
}

/// <summary>One position in a workflow definition: its zero-based index, the task that runs there and how.</summary>
public sealed record WorkflowStep(int Index, string TaskName, TaskPolicy Policy)
{
    /// <summary>A step with the default policy.</summary>
    public WorkflowStep(int index, string taskName)
        : this(index, taskName, TaskPolicy.Default)
    {
    }

    /// <summary>What the step does; a <see cref="StepKind.Task"/> unless it is a wait or a signal step.</summary>
    public StepKind Kind { get; init; } = StepKind.Task;

    /// <summary>What a <see cref="StepKind.Wait"/> step waits for; null for the other kinds.</summary>
    public StepWait? Wait { get; init; }

    /// <summary>The signal a <see cref="StepKind.Signal"/> step waits for; null for the other kinds.</summary>
    public StepSignal? Signal { get; init; }

    /// <summary>
    /// When this step's task becomes due if it is created at <paramref name="now"/> on <paramref name="input"/>: the
    /// wait's end for a wait step whose end is still ahead, else null (now, so that the step may be handed over). A wait
    /// whose end cannot be read is due now too, and its claim fails the step with the reason (<see cref="StepWait.EndFor"/>).
    /// </summary>
    public DateTimeOffset? DueAt(string input, DateTimeOffset now) =>
        Wait?.EndFor(input, now).Due is { } end && end > now ? end : null;

    internal static WorkflowStep Of(int index, string taskName, TaskPolicy policy, StepWait? wait, StepSignal? signal) =>
        (wait, signal) switch
        {
            ({ }, _) => new WorkflowStep(index, taskName, policy) { Kind = StepKind.Wait, Wait = wait },
            (_, { }) => new WorkflowStep(index, taskName, policy) { Kind = StepKind.Signal, Signal = signal },
            _ => new WorkflowStep(index, taskName, policy),
        };
}
