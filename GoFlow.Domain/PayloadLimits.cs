namespace GoFlow.Domain;

/// <summary>
/// How large a payload (a workflow's input, a step's output) may be, in UTF-8 bytes of its JSON text: the one home of
/// the numbers the HTTP adapter's body limit and the engine's stored-output limit both default to and stop at.
/// </summary>
public static class PayloadLimits
{
    /// <summary>The default largest payload: 1 MiB (1,048,576 bytes).</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>The largest value either limit may be set to: 4 MiB.</summary>
    /// <remarks>
    /// A payload travels to MySQL as an escaped SQL literal, up to twice its size, and a step's output three times in
    /// its completion statement (task output, next task's input, workflow's current input); MariaDB's default packet
    /// limit is 16 MiB. Above this, even one payload could not be written; a write the store still refuses as too
    /// large fails that one request or task for good.
    /// </remarks>
    public const int MaxBytesLimit = 4 * 1024 * 1024;
}
