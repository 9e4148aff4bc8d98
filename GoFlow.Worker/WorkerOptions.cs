using System.ComponentModel.DataAnnotations;
using GoFlow.Ports.Driven;

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

    /// <summary>The most tasks claimed in one transaction. Default 100.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// The most handlers this worker runs at the same time. Default 200. A step whose handler returned waits for its
    /// record (the group commit, ADR 0011) in one of as many recording places, without its slot (ADR 0041): a worker
    /// holds at most twice this many tasks, and as many finished steps can share the commits being written.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 200;

    /// <summary>
    /// The most tasks this worker holds (running, or waiting for their record) when it claims more while the API in the
    /// same process is serving a request (ADR 0021, ADR 0041).
    /// Default 16; a value of <see cref="MaxConcurrency"/> or more turns the rule off. It leaves the CPU to the API
    /// while the API is busy, and at least 1 keeps the worker making progress under any load. Tasks already running
    /// keep going. While the API is busy the worker claims once half this share is free, so that one claim serves
    /// several tasks (ADR 0024).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrencyWhileApiBusy { get; set; } = 16;

    /// <summary>
    /// How long a claimed task is held without a heartbeat before it is presumed abandoned and another worker may
    /// take it over. Default 30 seconds; must be longer than <see cref="HeartbeatInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = ILeasePolicy.DefaultLeaseDuration;

    /// <summary>How often the worker renews the leases of the tasks it is running. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the worker looks for tasks whose lease expired (their worker died) and takes them back.
    /// Default 10 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the worker waits before polling again after the database failed. Default 2 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The name this worker claims tasks under (the lease owner). Default: machine name, process id and a random
    /// suffix, unique per process.
    /// </summary>
    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string WorkerId { get; set; } =
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
