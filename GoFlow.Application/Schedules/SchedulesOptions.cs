using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.Schedules;

/// <summary>
/// The <c>Schedules</c> configuration section: schedule name to its settings.
/// <code>
/// "Schedules": {
///   "NightlyReport": { "Workflow": "Report", "Cron": "0 2 * * *", "TimeZone": "Europe/Berlin", "Input": "{\"scope\":\"daily\"}" }
/// }
/// </code>
/// </summary>
public sealed class SchedulesOptions : Dictionary<string, ScheduleOptions>
{
    public const string SectionName = "Schedules";

    public SchedulesOptions()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>One schedule: which workflow it starts, when, on what input, and what it does with overlaps and missed fires.</summary>
public sealed class ScheduleOptions
{
    /// <summary>The workflow each fire starts. Required; a defined workflow.</summary>
    public string? Workflow { get; set; }

    /// <summary>
    /// When it fires: a cron expression of five fields (minute hour day-of-month month day-of-week), or six with the
    /// seconds first. Required.
    /// </summary>
    public string? Cron { get; set; }

    /// <summary>The time zone the expression is read in, an IANA or Windows id. Default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The input of each workflow it starts, a JSON object written as a string. Default <c>{}</c>.</summary>
    public string Input { get; set; } = "{}";

    /// <summary>What a fire does while the previous fire's workflow is unfinished. Default <see cref="ScheduleOverlap.Skip"/>.</summary>
    public ScheduleOverlap Overlap { get; set; } = ScheduleOverlap.Skip;

    /// <summary>What happens to the fires missed while no host ran. Default <see cref="ScheduleCatchUp.None"/>.</summary>
    public ScheduleCatchUp CatchUp { get; set; } = ScheduleCatchUp.None;
}
