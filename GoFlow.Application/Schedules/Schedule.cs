using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cronos;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.Schedules;

/// <summary>A configured schedule, parsed: its cron expression read in its time zone, its input as JSON.</summary>
internal sealed partial class Schedule
{
    /// <summary>The longest schedule name: it goes into an idempotency key and a URL path.</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// How late a fire may be handled and still count as on time: a host that wakes up later than this (it was
    /// down, or the store was) has missed the fire, and the catch-up policy decides.
    /// </summary>
    public static readonly TimeSpan MissedAfter = TimeSpan.FromMinutes(1);

    // A cron expression that fires every second looks back one day first, so that a long downtime costs a bounded scan.
    private static readonly TimeSpan ShortLookBack = TimeSpan.FromDays(1);

    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;
    private readonly JsonElement _input;

    private Schedule(
        string name,
        ScheduleOptions options,
        CronExpression expression,
        TimeZoneInfo zone,
        JsonElement input,
        ScheduleOverlap overlap,
        ScheduleCatchUp catchUp)
    {
        Name = name;
        WorkflowName = options.Workflow!;
        Cron = options.Cron!;
        TimeZone = options.TimeZone;
        Overlap = overlap;
        CatchUp = catchUp;
        _expression = expression;
        _zone = zone;
        _input = input;
    }

    public string Name { get; }

    public string WorkflowName { get; }

    public string Cron { get; }

    public string TimeZone { get; }

    public ScheduleOverlap Overlap { get; }

    public ScheduleCatchUp CatchUp { get; }

    /// <summary>A copy of the input, so that no caller can hold on to the schedule's own document.</summary>
    public JsonElement Input => _input.Clone();

    /// <summary>Parses <paramref name="options"/>, or says in <paramref name="errors"/> why it cannot.</summary>
    public static Schedule? TryCreate(string name, ScheduleOptions options, ICollection<string> errors)
    {
        var count = errors.Count;
        if (!ValidName().IsMatch(name) || name.Length > MaxNameLength)
        {
            errors.Add($"Schedules:{name}: a schedule name is 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(options.Workflow))
        {
            errors.Add($"Schedules:{name}:Workflow is required.");
        }

        CronExpression? expression = null;
        try
        {
            var fields = options.Cron?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length ?? 0;
            expression = CronExpression.Parse(options.Cron ?? string.Empty, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException exception)
        {
            errors.Add($"Schedules:{name}:Cron '{options.Cron}' is not a cron expression of 5 fields (or 6 with seconds): {exception.Message}");
        }

        TimeZoneInfo? zone = null;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            errors.Add($"Schedules:{name}:TimeZone '{options.TimeZone}' is not a time zone this machine knows.");
        }

        JsonElement input = default;
        try
        {
            using var document = JsonDocument.Parse(options.Input ?? string.Empty);
            input = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Answered below, as any input that is not an object.
        }

        if (input.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"Schedules:{name}:Input must be a JSON object written as a string, such as \"{{\\\"scope\\\":\\\"daily\\\"}}\".");
        }

        var overlap = Policy<ScheduleOverlap>(name, nameof(ScheduleOptions.Overlap), options.Overlap, errors);
        var catchUp = Policy<ScheduleCatchUp>(name, nameof(ScheduleOptions.CatchUp), options.CatchUp, errors);
        return errors.Count == count ? new Schedule(name, options, expression!, zone!, input, overlap, catchUp) : null;
    }

    private static TPolicy Policy<TPolicy>(string name, string setting, string? value, ICollection<string> errors)
        where TPolicy : struct, Enum
    {
        var names = Enum.GetNames<TPolicy>();
        var match = names.FirstOrDefault(policy => policy.Equals(value, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            errors.Add($"Schedules:{name}:{setting} is '{value}': it is {string.Join(" or ", names)}.");
            return default;
        }

        return Enum.Parse<TPolicy>(match);
    }

    /// <summary>The schedule as a read shows it, with its stored <paramref name="state"/> (null: never paused or fired).</summary>
    public ScheduleView View(ScheduleState? state, DateTimeOffset now)
    {
        var paused = state?.Paused ?? false;
        return new ScheduleView(
            Name,
            WorkflowName,
            Cron,
            TimeZone,
            Overlap,
            CatchUp,
            paused,
            paused ? null : NextAfter(now),
            state?.LastFireAt,
            state?.LastWorkflowId);
    }

    /// <summary>The first fire after <paramref name="instant"/>, or null when the expression never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) =>
        _expression.GetNextOccurrence(instant, _zone, inclusive: false);

    /// <summary>The latest fire after <paramref name="since"/> and no later than <paramref name="now"/>, or null.</summary>
    public DateTimeOffset? LatestBetween(DateTimeOffset since, DateTimeOffset now)
    {
        if (now - since > ShortLookBack
            && _expression.GetOccurrences(now - ShortLookBack, now, _zone, fromInclusive: false, toInclusive: true).LastOrDefault() is { } recent
            && recent != default)
        {
            return recent;
        }

        var latest = _expression.GetOccurrences(since, now, _zone, fromInclusive: false, toInclusive: true).LastOrDefault();
        return latest == default ? null : latest;
    }

    /// <summary>
    /// The idempotency key of the fire at <paramref name="fireAt"/>: every host derives the same one, and the store's
    /// unique index on the key lets only one of them start a workflow for it.
    /// </summary>
    public string FireKey(DateTimeOffset fireAt) =>
        string.Create(CultureInfo.InvariantCulture, $"schedule:{Name}:{fireAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
