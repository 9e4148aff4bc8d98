namespace GoFlow.Domain;

/// <summary>
/// What a workflow step does when its turn comes: run a task handler, wait for a time, or wait for a named signal.
/// </summary>
public enum StepKind { Task, Wait, Signal }
