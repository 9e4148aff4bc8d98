using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driving;

/// <summary>Lists the configured schedules with their state and next fire, by name.</summary>
public interface IListSchedules
{
    Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken cancellationToken);
}
