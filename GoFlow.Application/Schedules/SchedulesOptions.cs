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

    // The two policies are names rather than enums: the configuration binder drops a dictionary entry's value it cannot
    // convert without a word, which would turn a misspelt "Alow" into the default; as text, the check at start names it.

    /// <summary>
    /// What a fire does while the previous fire's workflow is unfinished: <see cref="ScheduleOverlap.Skip"/> (the
    /// default) or <see cref="ScheduleOverlap.Allow"/>.
    /// </summary>
    public string Overlap { get; set; } = nameof(ScheduleOverlap.Skip);

    /// <summary>
    /// What happens to the fires missed while no host ran: <see cref="ScheduleCatchUp.None"/> (the default) or
    /// <see cref="ScheduleCatchUp.One"/>.
    /// </summary>
    public string CatchUp { get; set; } = nameof(ScheduleCatchUp.None);
}
