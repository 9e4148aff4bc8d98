namespace GoFlow.Ports.Driven;

/// <summary>
/// Thrown by a task handler when retrying cannot help (the input is invalid, say): the task fails at once,
/// whatever attempts it has left. Any other exception fails only the attempt.
/// </summary>
public sealed class PermanentTaskFailureException : Exception
{
    public PermanentTaskFailureException(string message)
        : base(message)
    {
    }

    public PermanentTaskFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
