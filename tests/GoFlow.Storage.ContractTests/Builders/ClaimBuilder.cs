using GoFlow.Ports.Driven;

namespace GoFlow.Storage.ContractTests.Builders;

/// <summary>
/// Claims by "worker-a" for up to 10 tasks, one second after <see cref="TestTimes.Start"/>, leased for
/// <see cref="TestTimes.Lease"/>, unless told otherwise.
/// </summary>
public sealed class ClaimBuilder
{
    private string _owner = "worker-a";
    private int _maxTasks = 10;
    private DateTimeOffset _now = TestTimes.Start.AddSeconds(1);
    private TimeSpan _lease = TestTimes.Lease;

    public ClaimBuilder By(string owner)
    {
        _owner = owner;
        return this;
    }

    public ClaimBuilder UpTo(int maxTasks)
    {
        _maxTasks = maxTasks;
        return this;
    }

    public ClaimBuilder At(DateTimeOffset now)
    {
        _now = now;
        return this;
    }

    public ClaimBuilder LeasedFor(TimeSpan lease)
    {
        _lease = lease;
        return this;
    }

    public ClaimRequest Build() => new(_owner, _maxTasks, _now, _now + _lease);
}
