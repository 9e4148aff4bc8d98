using GoFlow.Application.Definitions;
using Microsoft.Extensions.Options;

namespace GoFlow.Application.Schedules;

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
