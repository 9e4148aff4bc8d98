namespace GoFlow.Ports.Driven;

/// <summary>
/// Tells a worker in this process that a task became PENDING, so it claims it now instead of at its next poll.
/// A hint only: a worker that misses it still finds the task when it polls.
/// </summary>
public interface IWorkAvailableSignal
{
    void Notify();
}
