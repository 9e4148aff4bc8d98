namespace GoFlow.Domain;

/// <summary>
/// What a workflow step does when its turn comes: run a task handler, wait for a time, or wait for a named signal.
/// Only a task step has a handler; the engine runs the other kinds itself.
/// </summary>
public enum StepKind { Task, Wait, Signal }
