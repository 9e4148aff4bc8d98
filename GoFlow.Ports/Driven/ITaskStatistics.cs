using GoFlow.Domain;
using GoFlow.Domain.Transitions;

namespace GoFlow.Ports.Driven;

/// <summary>How many tasks have not ended right now, by status, for the engine's gauges.</summary>
public interface ITaskStatistics
{
    /// <summary>
    /// Counts the tasks in each of the domain's unfinished statuses (<see cref="TaskTransitions.Unfinished"/>: PENDING,
    /// due or due later; RUNNING; WAITING for a signal), across every workflow, in one statement. Finished tasks are not
    /// counted: they are the store's history, as many as retention keeps, and reading them all would make the count's
    /// cost grow with the history. Called every few seconds by every host, so it must stay cheap.
    /// </summary>
    Task<TaskCounts> CountAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The unfinished tasks at one moment, by status: a count for each of <see cref="TaskTransitions.Unfinished"/>, zero
/// when the store holds none.
/// </summary>
public sealed record TaskCounts
{
    private readonly Dictionary<WorkflowTaskStatus, long> _byStatus;

    /// <param name="counted">The statuses the store found tasks in, with their counts; the others count zero.</param>
    /// <exception cref="ArgumentException">A status counted is a finished one, or is counted twice.</exception>
    public TaskCounts(IEnumerable<KeyValuePair<WorkflowTaskStatus, long>> counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        _byStatus = TaskTransitions.Unfinished.ToDictionary(status => status, _ => 0L);
        var seen = new HashSet<WorkflowTaskStatus>();
        foreach (var (status, count) in counted)
        {
            if (!_byStatus.ContainsKey(status) || !seen.Add(status))
            {
                throw new ArgumentException($"{status} is not an unfinished task status, or was counted twice.", nameof(counted));
            }

            _byStatus[status] = count;
        }
    }

    /// <summary>The count of every unfinished status, in <see cref="TaskTransitions.Unfinished"/>'s order.</summary>
    public IReadOnlyDictionary<WorkflowTaskStatus, long> ByStatus => _byStatus;

    /// <summary>The tasks in <paramref name="status"/>.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="status"/> is a finished status, which is not counted.</exception>
    public long this[WorkflowTaskStatus status] => _byStatus[status];

    public bool Equals(TaskCounts? other) =>
        other is not null && _byStatus.Count == other._byStatus.Count
        && _byStatus.All(pair => other._byStatus.TryGetValue(pair.Key, out var count) && count == pair.Value);

    public override int GetHashCode() =>
        _byStatus.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value));

    public override string ToString() =>
        string.Join(", ", _byStatus.Select(pair => $"{pair.Key.ToName()} {pair.Value}"));
}
