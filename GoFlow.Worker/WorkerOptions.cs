using System.ComponentModel.DataAnnotations;

namespace GoFlow.Worker;

/// <summary>The <c>Worker</c> configuration section (environment: <c>Worker__PollInterval</c> and so on).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// How long the worker waits for new tasks when it found none. Default 1 second. A task created or queued
    /// in this process is picked up at once, without waiting for the poll.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most tasks claimed in one database round trip. Default 10.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 10;

    /// <summary>The most tasks this worker runs at the same time. Default 10.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>
    /// How long a claimed task is held before another worker may take it over. Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the worker waits before polling again after the database failed. Default 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The name this worker claims tasks under (the lease owner). Default: machine name, process id and a random
    /// suffix, unique per process.
    /// </summary>
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string WorkerId { get; set; } =
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
