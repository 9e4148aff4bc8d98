using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;

namespace GoFlow.Worker.Tests;

/// <summary>The worker's share of the process while the API in it is busy (ADR 0021), through the claim loop.</summary>
public sealed class WorkerShareTests
{
    private readonly WorkerHarness _harness = new();

    [Test]
    public async Task ExecuteAsync_ApiBusy_StartsOnlyTheBusyShareUntilTheApiIsIdle()
    {
        _harness.Options.MaxConcurrency = 4;
        _harness.Options.MaxConcurrencyWhileApiBusy = 1;
        _harness.ApiRequestsInFlight = 1;
        _harness.ClaimReturns(WorkerHarness.Tasks(4));
        var running = 0;
        var release = new TaskCompletionSource();
        _harness.OnExecute(async (_, _) =>
        {
            Interlocked.Increment(ref running);
            await release.Task;
            return new AttemptResult(AttemptOutcome.Completed);
        });
        var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await WorkerHarness.UntilAsync(() => Volatile.Read(ref running), count => count >= 1);
            var claimedWhileBusy = _harness.Claims.Sum(claim => claim.MaxTasks);

            _harness.ApiRequestsInFlight = 0;
            var runningOnceIdle = await WorkerHarness.UntilAsync(() => Volatile.Read(ref running), count => count == 4);

            Assert.That(claimedWhileBusy, Is.EqualTo(1), "while the API is busy the worker asks for its busy share only");
            Assert.That(runningOnceIdle, Is.EqualTo(4), "once the API is idle the worker fills every slot");
        }
        finally
        {
            release.TrySetResult();
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }

    [Test]
    public async Task ExecuteAsync_ApiBusyThroughout_StillRunsEveryTask()
    {
        _harness.Options.MaxConcurrency = 4;
        _harness.Options.MaxConcurrencyWhileApiBusy = 1;
        _harness.ApiRequestsInFlight = 3;
        var tasks = WorkerHarness.Tasks(6);
        _harness.ClaimReturns(tasks);
        var finished = 0;
        var allDone = new TaskCompletionSource();
        _harness.OnExecute((_, _) =>
        {
            if (Interlocked.Increment(ref finished) == tasks.Count)
            {
                allDone.TrySetResult();
            }

            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });

        await _harness.RunUntilAsync(allDone.Task);

        Assert.That(finished, Is.EqualTo(tasks.Count), "a busy API slows the worker down, never stops it");
        Assert.That(_harness.Claims.Max(claim => claim.MaxTasks), Is.EqualTo(1));
    }

    [Test]
    public async Task Heartbeat_WorkerCappedByABusyApi_StillRenewsTheRunningTasksLease()
    {
        _harness.Options.MaxConcurrencyWhileApiBusy = 1;
        _harness.Options.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
        _harness.ApiRequestsInFlight = 1;
        var task = WorkerHarness.Tasks(1)[0];
        _harness.ClaimReturns([task]);
        var release = new TaskCompletionSource();
        _harness.OnExecute(async (_, _) =>
        {
            await release.Task;
            return new AttemptResult(AttemptOutcome.Completed);
        });
        var renewed = new TaskCompletionSource<RenewLeasesCommand>();
        _harness.RenewAll(command => renewed.TrySetResult(command));

        // The task is let go at the deadline even when no renewal came, so that a failing test ends rather than hangs.
        await _harness.RunUntilAsync(
            renewed.Task.WaitAsync(WorkerHarness.Deadline).ContinueWith(_ => release.SetResult(), TaskScheduler.Default));

        Assert.That(renewed.Task.IsCompletedSuccessfully, Is.True, "the capped worker's running task had its lease renewed");
        Assert.That(renewed.Task.Result.Tasks, Is.EqualTo(new[] { new TaskClaim(task.Id, task.Attempt) }));
    }

    [Test]
    public async Task RoomAsync_ApiBusyAndOneSlotOfTheShareFree_WaitsForHalfTheShareThenClaimsItAtOnce()
    {
        var options = new WorkerOptions { MaxConcurrency = 10, MaxConcurrencyWhileApiBusy = 4 };
        var apiLoad = new Moq.Mock<IApiLoad>();
        apiLoad.Setup(load => load.RequestsInFlight).Returns(1);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var share = new WorkerShare(apiLoad.Object, Microsoft.Extensions.Options.Options.Create(options), clock);
        var inUse = 3;

        // The first look is made before RoomAsync returns, so its answer is known here without a race.
        var room = share.RoomAsync(() => Volatile.Read(ref inUse), most: 100, backlog: true, CancellationToken.None);
        var claimedWithOneFree = room.IsCompleted;
        Volatile.Write(ref inUse, 2);
        clock.Advance(WorkerShare.Recheck);

        Assert.That(claimedWithOneFree, Is.False, "one free slot of a busy share of 4 is not worth a claim");
        Assert.That(await room.WaitAsync(WorkerHarness.Deadline), Is.EqualTo(new ClaimSize(2, 1)), "half the share free is claimed in one go");
    }

    [TestCase(true, 25)]
    [TestCase(false, 1)]
    public async Task RoomAsync_ApiIdle_GathersAnEighthOfTheShareOnlyWhileABacklogWaits(bool backlog, int expectedEnough)
    {
        var options = new WorkerOptions { MaxConcurrency = 200, BatchSize = 100 };
        var apiLoad = new Moq.Mock<IApiLoad>();
        var share = new WorkerShare(apiLoad.Object, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);

        var room = await share.RoomAsync(() => 200, most: 100, backlog, CancellationToken.None);

        Assert.That(room, Is.EqualTo(new ClaimSize(100, expectedEnough)),
            "every slot taken: the claim may take a batch once slots free, and gathers a few first only while a backlog waits");
    }

    [TestCase(0, 10)]
    [TestCase(1, 4)]
    public void Limit_BusyShareAboveTheWhole_IsTheWhole(int requestsInFlight, int expected)
    {
        var options = new WorkerOptions { MaxConcurrency = 10, MaxConcurrencyWhileApiBusy = 4 };
        var busyShareAboveTheWhole = new WorkerOptions { MaxConcurrency = 10, MaxConcurrencyWhileApiBusy = 16 };
        var apiLoad = new Moq.Mock<IApiLoad>();
        apiLoad.Setup(load => load.RequestsInFlight).Returns(requestsInFlight);

        var limit = new WorkerShare(apiLoad.Object, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System).Limit;
        var limitAboveTheWhole = new WorkerShare(
            apiLoad.Object, Microsoft.Extensions.Options.Options.Create(busyShareAboveTheWhole), TimeProvider.System).Limit;

        Assert.That(limit, Is.EqualTo(expected));
        Assert.That(limitAboveTheWhole, Is.EqualTo(10), "a share of 16 out of 10 slots is all 10, busy or not");
    }
}
