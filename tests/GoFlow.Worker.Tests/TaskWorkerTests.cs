using System.Collections.Concurrent;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using GoFlow.Worker.Health;
using Microsoft.Extensions.Logging;
using Moq;

namespace GoFlow.Worker.Tests;

/// <summary>The claim loop: batches, slots, hand-over chains, failures and the loop's state.</summary>
public sealed class TaskWorkerTests
{
    private readonly WorkerHarness _harness = new();

    [Test]
    public async Task ExecuteAsync_TasksClaimed_RunsEachOnce()
    {
        var tasks = WorkerHarness.Tasks(3);
        _harness.ClaimReturns(tasks);
        var executed = new ConcurrentBag<ClaimedTask>();
        var allDone = new TaskCompletionSource();
        _harness.OnExecute((task, _) =>
        {
            executed.Add(task);
            if (executed.Count == tasks.Count)
            {
                allDone.TrySetResult();
            }

            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });

        await _harness.RunUntilAsync(allDone.Task);

        Assert.That(executed, Is.EquivalentTo(tasks));
        Assert.That(
            _harness.Claims.First(),
            Is.EqualTo(new ClaimTasksCommand("worker-under-test", 4)));
    }

    [Test]
    public async Task ExecuteAsync_MoreTasksThanMaxConcurrency_NeverRunsMoreAtOnce()
    {
        _harness.Options.MaxConcurrency = 2;
        var tasks = WorkerHarness.Tasks(6);
        _harness.ClaimReturns(tasks);
        var running = 0;
        var mostAtOnce = 0;
        var finished = 0;
        var allDone = new TaskCompletionSource();
        _harness.OnExecute(async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            WorkerHarness.InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(20);
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref finished) == tasks.Count)
            {
                allDone.TrySetResult();
            }

            return new AttemptResult(AttemptOutcome.Completed);
        });

        await _harness.RunUntilAsync(allDone.Task);

        Assert.That(mostAtOnce, Is.EqualTo(2));
        Assert.That(_harness.Claims.Max(claim => claim.MaxTasks), Is.LessThanOrEqualTo(2));
    }

    [Test]
    public async Task ExecuteAsync_OneTaskThrows_TheOthersStillRun()
    {
        var tasks = WorkerHarness.Tasks(3);
        _harness.ClaimReturns(tasks);
        var succeeded = new ConcurrentBag<ClaimedTask>();
        var othersDone = new TaskCompletionSource();
        _harness.OnExecute((task, _) =>
        {
            if (task == tasks[0])
            {
                throw new InvalidOperationException("the database went away");
            }

            succeeded.Add(task);
            if (succeeded.Count == 2)
            {
                othersDone.TrySetResult();
            }

            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });

        await _harness.RunUntilAsync(othersDone.Task);

        Assert.That(succeeded, Is.EquivalentTo(tasks.Skip(1)));
    }

    [Test]
    public async Task ExecuteAsync_ClaimFails_KeepsPollingAndRunsWhatItClaimsLater()
    {
        var task = WorkerHarness.Tasks(1)[0];
        var calls = 0;
        _harness.ClaimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand _, CancellationToken _) => Interlocked.Increment(ref calls) switch
            {
                <= 2 => throw new InvalidOperationException("Unable to connect to any of the specified MySQL hosts."),
                3 => [task],
                _ => [],
            });
        var ran = new TaskCompletionSource<ClaimedTask>();
        _harness.OnExecute((claimed, _) =>
        {
            ran.TrySetResult(claimed);
            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });

        await _harness.RunUntilAsync(ran.Task);

        Assert.That(await ran.Task, Is.EqualTo(task));
    }

    [Test]
    public async Task ExecuteAsync_NotifiedWhileIdle_ClaimsWithoutWaitingForThePoll()
    {
        var task = WorkerHarness.Tasks(1)[0];
        var firstPollDone = new TaskCompletionSource();
        var calls = 0;
        _harness.ClaimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimTasksCommand _, CancellationToken _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    firstPollDone.TrySetResult();
                    return [];
                }

                return [task];
            });
        var ran = new TaskCompletionSource();
        _harness.OnExecute(task, _ =>
        {
            ran.TrySetResult();
            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });

        // The poll interval is an hour: only the notification can bring the second claim within the deadline.
        await _harness.RunUntilAsync(firstPollDone.Task.ContinueWith(_ => _harness.WorkAvailable.Notify(), TaskScheduler.Default)
            .ContinueWith(_ => ran.Task, TaskScheduler.Default).Unwrap());

        Assert.That(calls, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task ExecuteAsync_NextTasksHandedOver_RunsEachRightAfterInTheSameSlot()
    {
        _harness.Options.MaxConcurrency = 1;
        var chain = WorkerHarness.Tasks(3);
        _harness.ClaimReturns([chain[0]]);
        var runs = new ConcurrentQueue<(ClaimedTask Task, int ClaimsSoFar)>();
        var chainDone = new TaskCompletionSource();
        _harness.OnExecute((task, _) =>
        {
            runs.Enqueue((task, _harness.Claims.Count));
            var next = chain.IndexOf(task) + 1;
            if (next == chain.Count)
            {
                chainDone.TrySetResult();
                return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
            }

            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed, chain[next]));
        });

        await _harness.RunUntilAsync(chainDone.Task);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(runs.Select(run => run.Task), Is.EqualTo(chain));
            Assert.That(chain.Select(task => _harness.HandOversAsked[task.Id]), Is.All.True);
            // The one slot stays taken from the claim to the chain's end: the loop cannot claim again meanwhile.
            Assert.That(runs.Select(run => run.ClaimsSoFar), Is.All.EqualTo(1));
        }
    }

    [Test]
    public async Task LoopState_BeforeStartWhileRunningAndAfterStop_FollowsTheLoop()
    {
        _harness.ClaimReturns([]);
        using var worker = _harness.CreateWorker();
        var before = _harness.LoopState.Status;

        await worker.StartAsync(CancellationToken.None);
        var whileRunning = await WorkerHarness.UntilAsync(
            () => _harness.LoopState.Status, status => status != WorkerLoopStatus.NotStarted);
        await worker.StopAsync(CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before, Is.EqualTo(WorkerLoopStatus.NotStarted));
            Assert.That(whileRunning, Is.EqualTo(WorkerLoopStatus.Running));
            Assert.That(_harness.LoopState.Status, Is.EqualTo(WorkerLoopStatus.Ended));
        }
    }

    [Test]
    public async Task LoopState_LoopKilledByAnException_IsFaulted()
    {
        // The loop survives any failed poll; the one thing that still escapes it is a failure in its own error path.
        _harness.ClaimTasks.Setup(c => c.ClaimAsync(It.IsAny<ClaimTasksCommand>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("the database went away"));
        using var worker = _harness.CreateWorker(new ThrowingLogger());

        await worker.StartAsync(CancellationToken.None);
        var status = await WorkerHarness.UntilAsync(
            () => _harness.LoopState.Status, current => current is WorkerLoopStatus.Faulted or WorkerLoopStatus.Ended);
        await worker.StopAsync(CancellationToken.None);

        Assert.That(status, Is.EqualTo(WorkerLoopStatus.Faulted));
    }
}

/// <summary>A logger whose errors cannot be written: logging one throws.</summary>
internal sealed class ThrowingLogger : ILogger<TaskWorker>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
        {
            throw new InvalidOperationException("the log cannot be written");
        }
    }
}
