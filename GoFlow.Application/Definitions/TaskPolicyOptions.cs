using System.ComponentModel.DataAnnotations;

namespace GoFlow.Application.Definitions;

/// <summary>
/// How tasks run, as defaults for every workflow, read from the <c>Worker</c> section (environment
/// <c>Worker__MaxAttempts</c> and so on). A workflow or one of its tasks can override each value in
/// <c>Workflows:&lt;Name&gt;</c> or <c>Workflows:&lt;Name&gt;:TaskSettings:&lt;Task&gt;</c>.
/// </summary>
public sealed class TaskPolicyOptions
{
    public const string SectionName = "Worker";

    /// <summary>Attempts in all, the first included. Default 3.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long one attempt may run before it is cancelled and counts as failed. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait before the first retry; each further retry waits <see cref="RetryBackoffFactor"/> times longer. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How much longer each retry waits than the one before. Default 2.</summary>
    [Range(1.0, 100.0)]
    public double RetryBackoffFactor { get; set; } = 2.0;

    /// <summary>The longest wait between two attempts. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A workflow's or a task's own values for the settings of <see cref="TaskPolicyOptions"/>; each one left out
/// falls back to the level above (task, then workflow, then the <c>Worker</c> section).
/// </summary>
public class TaskPolicyOverrides
{
    public int? MaxAttempts { get; set; }

    public TimeSpan? TaskTimeout { get; set; }

    public TimeSpan? RetryBaseDelay { get; set; }

    public double? RetryBackoffFactor { get; set; }

    public TimeSpan? RetryMaxDelay { get; set; }
}
