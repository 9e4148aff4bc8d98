using System.ComponentModel.DataAnnotations;

namespace GoFlow.Worker;

/// <summary>The <c>Retention</c> section: how long finished workflows are kept (environment <c>Retention__MaxAge</c>).</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Whether finished workflows are deleted at all. Default true; false keeps everything.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a workflow is kept after it finished (COMPLETED, FAILED or CANCELLED), with its tasks and activity
    /// rows. Default 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the sweep runs. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most workflows deleted in one transaction. Default 200: small batches keep each transaction's locks short,
    /// so the sweep never stalls the workers.
    /// </summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
}
