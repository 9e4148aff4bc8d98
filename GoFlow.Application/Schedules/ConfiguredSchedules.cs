using GoFlow.Application.Definitions;
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

/// <summary>Checks the schedules at start: each parses, and names a defined workflow.</summary>
internal sealed class SchedulesOptionsValidator(IOptions<WorkflowsOptions> workflows) : IValidateOptions<SchedulesOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulesOptions options)
    {
        var failures = new List<string>();
        foreach (var (scheduleName, schedule) in options)
        {
            if (Schedule.TryCreate(scheduleName, schedule, failures) is not null && !workflows.Value.ContainsKey(schedule.Workflow!))
            {
                failures.Add($"Schedules:{scheduleName}:Workflow names '{schedule.Workflow}', which is not a defined workflow.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
