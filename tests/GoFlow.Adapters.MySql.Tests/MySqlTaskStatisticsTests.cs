using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>The count behind the task gauges, on the real server: PENDING (due or waiting for a retry) and RUNNING.</summary>
internal sealed class MySqlTaskStatisticsTests : MySqlDatabaseFixture
{
    [Test]
    public async Task CountAsync_EmptyStore_CountsNothing()
    {
        await using var statistics = Statistics();

        Assert.That(await statistics.Port.CountAsync(CancellationToken.None), Is.EqualTo(new TaskCounts(0, 0)));
    }

    [Test]
    public async Task CountAsync_ThreeWorkflowsOneClaimed_CountsTwoPendingOneRunning()
    {
        await using var statistics = Statistics();
        for (var i = 0; i < 3; i++)
        {
            await new WorkflowBuilder().CreateAsync(Storage.Repository);
        }

        var claimed = await Storage.Queue.ClaimAsync(new ClaimBuilder().UpTo(1).Build(), CancellationToken.None);

        Assert.That(claimed, Has.Count.EqualTo(1));
        Assert.That(await statistics.Port.CountAsync(CancellationToken.None), Is.EqualTo(new TaskCounts(2, 1)));
    }

    [Test]
    public async Task CountAsync_RunningTaskScheduledForRetry_CountsItPendingAgain()
    {
        await using var statistics = Statistics();
        await new WorkflowBuilder().CreateAsync(Storage.Repository);
        var claimed = (await Storage.Queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None)).Single();
        var now = TestTimes.Start.AddSeconds(2);

        var failed = await Storage.Queue.FailAsync(new TaskFailure(claimed, "boom", now.AddMinutes(1), now), CancellationToken.None);

        Assert.That(failed, Is.True);
        Assert.That(await statistics.Port.CountAsync(CancellationToken.None), Is.EqualTo(new TaskCounts(1, 0)));
    }

    private OwnedStatistics Statistics() =>
        new(MySqlConnectionSettings.CreateDataSource(new MySqlOptions { ConnectionString = Database.ConnectionString }));

    /// <summary>The port over a connection pool of its own, disposed with it.</summary>
    private sealed class OwnedStatistics(MySqlConnector.MySqlDataSource dataSource) : IAsyncDisposable
    {
        public ITaskStatistics Port { get; } = new MySqlTaskStatistics(dataSource);

        public ValueTask DisposeAsync() => dataSource.DisposeAsync();
    }
}
