using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>The count behind the task gauges, on a real file: PENDING (due or waiting for a retry) and RUNNING.</summary>
internal sealed class SqliteTaskStatisticsTests
{
    private TestSqliteFile _file = null!;
    private SqliteDatabase _database = null!;

    [SetUp]
    public async Task PrepareFile()
    {
        _file = new TestSqliteFile();
        _database = new SqliteDatabase(_file.Options());
        await new SqliteSchemaInitializer(Options.Create(_file.Options()), _database, NullLogger<SqliteSchemaInitializer>.Instance)
            .ApplyAsync(CancellationToken.None);
    }

    [TearDown]
    public void DeleteFile()
    {
        _database.Dispose();
        _file.Dispose();
    }

    [Test]
    public async Task CountAsync_EmptyStore_CountsNothing()
    {
        Assert.That(await new SqliteTaskStatistics(_database).CountAsync(CancellationToken.None), Is.EqualTo(new TaskCounts(0, 0)));
    }

    [Test]
    public async Task CountAsync_ThreeWorkflowsOneClaimed_CountsTwoPendingOneRunning()
    {
        var repository = new SqliteWorkflowRepository(_database);
        for (var i = 0; i < 3; i++)
        {
            await new WorkflowBuilder().CreateAsync(repository);
        }

        var claimed = await new SqliteTaskQueue(_database).ClaimAsync(new ClaimBuilder().UpTo(1).Build(), CancellationToken.None);

        Assert.That(claimed, Has.Count.EqualTo(1));
        Assert.That(await new SqliteTaskStatistics(_database).CountAsync(CancellationToken.None), Is.EqualTo(new TaskCounts(2, 1)));
    }

    [Test]
    public async Task CountAsync_RunningTaskScheduledForRetry_CountsItPendingAgain()
    {
        var queue = new SqliteTaskQueue(_database);
        await new WorkflowBuilder().CreateAsync(new SqliteWorkflowRepository(_database));
        var claimed = (await queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None)).Single();
        var now = TestTimes.Start.AddSeconds(2);

        var failed = await queue.FailAsync(new TaskFailure(claimed, "boom", now.AddMinutes(1), now), CancellationToken.None);

        Assert.That(failed, Is.True);
        Assert.That(await new SqliteTaskStatistics(_database).CountAsync(CancellationToken.None), Is.EqualTo(new TaskCounts(1, 0)));
    }
}
