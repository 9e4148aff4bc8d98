namespace GoFlow.Domain;

/// <summary>
/// What a workflow step does: run a task handler, wait for a time, or wait for a signal. Only a task step has a handler;
/// the engine runs the other kinds itself.
/// </summary>
public enum StepKind { Task, Wait, Signal }
