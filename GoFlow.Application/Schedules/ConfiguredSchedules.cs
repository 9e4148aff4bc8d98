using Microsoft.Extensions.Options;

namespace GoFlow.Application.Schedules;

/// <summary>The schedules of the <c>Schedules</c> section and those defined in code, parsed once (they were validated at start).</summary>
internal sealed class ConfiguredSchedules(IOptions<SchedulesOptions> options)
{
    private readonly Lazy<IReadOnlyList<Schedule>> _all = new(() =>
    {
        var errors = new List<string>();
        var schedules = options.Value
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => Schedule.TryCreate(entry.Key, entry.Value, errors))
            .ToList();
        return errors.Count == 0
            ? [.. schedules.OfType<Schedule>()]
            : throw new InvalidOperationException("The schedules were not validated at start: " + string.Join(" ", errors));
    });

    /// <summary>Every schedule, by name.</summary>
    public IReadOnlyList<Schedule> All => _all.Value;

    public Schedule? Find(string name) => All.FirstOrDefault(schedule => schedule.Name == name);
}
