using System.Collections.Concurrent;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Moq;

namespace GoFlow.Worker.Tests;

/// <summary>
/// A step's handler slot is lent to the claim loop while its result waits for its record (ADR 0041): what waits is
/// bounded, a step handed over takes a slot back before new claims, and shutdown covers every task held.
/// </summary>
public sealed class TaskWorkerRecordingTests
{
    private static readonly TimeSpan Deadline = WorkerHarness.Deadline;

    private readonly WorkerHarness _harness = new();

    [Test]
    public async Task ExecuteAsync_ARecordHeldOpen_ClaimsAndRunsAnotherTaskInItsSlot()
    {
        _harness.Options.MaxConcurrency = 1;
        var tasks = WorkerHarness.Tasks(2);
        _harness.ClaimReturns(tasks);
        var record = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(tasks[0], (handlerReturned, _) =>
        {
            handlerReturned();
            return record.Task;
        });
        var firstStillRecording = false;
        var secondRan = new TaskCompletionSource();
        _harness.OnExecute(tasks[1], (_, _) =>
        {
            firstStillRecording = !record.Task.IsCompleted;
            record.TrySetResult(new AttemptResult(AttemptOutcome.Completed));
            secondRan.TrySetResult();
            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        });

        // Whatever happens, the record is written before the worker is stopped: a stop waits for it.
        await _harness.RunUntilAsync(ThenAsync(secondRan.Task, () => record.TrySetResult(new AttemptResult(AttemptOutcome.Completed))));

        Assert.That(firstStillRecording, Is.True, "the second task ran in the slot while the first one's record was open");
    }

    [Test]
    public async Task ExecuteAsync_HandlersReturnFasterThanTheirRecords_NoMoreHandlersThanSlotsAndNoMoreRecordsThanPlaces()
    {
        _harness.Options.MaxConcurrency = 2;
        var tasks = WorkerHarness.Tasks(12);
        _harness.ClaimReturns(tasks);
        var handlers = 0;
        var held = 0;
        var mostHandlers = 0;
        var mostHeld = 0;
        var finished = 0;
        var allDone = new TaskCompletionSource();
        _harness.OnExecute(async (_, handlerReturned, _) =>
        {
            WorkerHarness.InterlockedMax(ref mostHeld, Interlocked.Increment(ref held));
            WorkerHarness.InterlockedMax(ref mostHandlers, Interlocked.Increment(ref handlers));
            await Task.Delay(5); // the handler's work
            Interlocked.Decrement(ref handlers);
            handlerReturned();
            await Task.Delay(20); // the group commit's: longer than a handler's, as with quick handlers
            Interlocked.Decrement(ref held);
            if (Interlocked.Increment(ref finished) == tasks.Count)
            {
                allDone.TrySetResult();
            }

            return new AttemptResult(AttemptOutcome.Completed);
        });

        await _harness.RunUntilAsync(allDone.Task);

        Assert.That(mostHandlers, Is.LessThanOrEqualTo(2), "handlers at once");
        Assert.That(mostHeld, Is.GreaterThan(2), "slots were lent while records waited");
        Assert.That(mostHeld, Is.LessThanOrEqualTo(4), "at most one record waiting per slot besides the slots");
    }

    [Test]
    public async Task ExecuteAsync_StepHandedOverWhileEverySlotRuns_WaitsForASlotBeforeNewClaimsAndKeepsItsLease()
    {
        _harness.Options.MaxConcurrency = 1;
        _harness.Options.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
        var tasks = WorkerHarness.Tasks(4);
        var (first, second, third, handedOver) = (tasks[0], tasks[1], tasks[2], tasks[3]);
        _harness.ClaimReturns([first, second, third]);
        var order = new ConcurrentQueue<ClaimedTask>();
        var record = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(first, (handlerReturned, _) =>
        {
            handlerReturned();
            return record.Task;
        });
        var secondRunning = new TaskCompletionSource();
        var secondHandler = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(second, (_, _) =>
        {
            secondRunning.TrySetResult();
            return secondHandler.Task;
        });
        var allDone = new TaskCompletionSource();
        _harness.OnExecute(handedOver, (_, _) => Ran(handedOver));
        _harness.OnExecute(third, (_, _) =>
        {
            allDone.TrySetResult();
            return Ran(third);
        });
        var renewed = new ConcurrentBag<TaskId>();
        _harness.RenewAll(command =>
        {
            foreach (var claim in command.Tasks)
            {
                renewed.Add(claim.Id);
            }
        });

        var run = _harness.RunUntilAsync(allDone.Task);
        bool ranBeforeASlotFreed;
        try
        {
            await secondRunning.Task.WaitAsync(Deadline);
            record.SetResult(new AttemptResult(AttemptOutcome.Completed, handedOver));
            await WorkerHarness.UntilAsync(() => renewed.Contains(handedOver.Id), renewedWhileWaiting => renewedWhileWaiting);
            ranBeforeASlotFreed = order.Contains(handedOver);
        }
        finally
        {
            // Whatever happens, nothing is left open for the worker's stop to wait on.
            record.TrySetResult(new AttemptResult(AttemptOutcome.Completed, handedOver));
            secondHandler.TrySetResult(new AttemptResult(AttemptOutcome.Completed));
        }

        await run;

        Assert.That(ranBeforeASlotFreed, Is.False, "the handed-over step waited for the slot");
        Assert.That(order, Is.EqualTo(new[] { handedOver, third }), "the handed-over step came before a new claim");

        Task<AttemptResult> Ran(ClaimedTask task)
        {
            order.Enqueue(task);
            return Task.FromResult(new AttemptResult(AttemptOutcome.Completed));
        }
    }

    [Test]
    public async Task StopAsync_DeadlinePassesWithARecordOpenAndAHandedOverStepWaiting_ReleasesEveryTaskHeld()
    {
        _harness.Options.MaxConcurrency = 1;
        var tasks = WorkerHarness.Tasks(4);
        var (first, second, handedOver, neverClaimed) = (tasks[0], tasks[1], tasks[2], tasks[3]);
        _harness.ClaimReturns([first, second, neverClaimed]);
        var firstRecord = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(first, (handlerReturned, _) =>
        {
            handlerReturned();
            return firstRecord.Task;
        });
        var secondRunning = new TaskCompletionSource();
        _harness.OnExecute(second, async (_, token) =>
        {
            secondRunning.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new AttemptResult(AttemptOutcome.Completed);
        });
        _harness.OnExecute(handedOver, (_, _) => Task.FromResult(new AttemptResult(AttemptOutcome.Completed)));
        var released = new ConcurrentBag<ClaimedTask>();
        _harness.ReleaseTask.Setup(r => r.ReleaseAsync(It.IsAny<ClaimedTask>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ClaimedTask task, CancellationToken _) =>
            {
                released.Add(task);
                return true;
            });
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        await secondRunning.Task.WaitAsync(Deadline);
        firstRecord.SetResult(new AttemptResult(AttemptOutcome.Completed, handedOver));
        await WorkerHarness.UntilAsync(
            () => _harness.RunningAttempts.Snapshot().Any(running => running.Task == handedOver), listed => listed);

        using var deadline = new CancellationTokenSource();
        var stopping = worker.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stopping.WaitAsync(Deadline);
        await worker.ExecuteTask!.WaitAsync(Deadline);

        Assert.That(released.Distinct(), Is.EquivalentTo(new[] { second, handedOver }));
        Assert.That(_harness.RunningAttempts.IsEmpty, Is.True);
        _harness.VerifyNeverExecuted(handedOver);
        _harness.VerifyNeverExecuted(neverClaimed);
    }

    [Test]
    public async Task StopAsync_AHandedOverStepWaitsForASlotAHandlerHolds_ReleasesTheStepWithoutWaitingForTheHandler()
    {
        _harness.Options.MaxConcurrency = 1;
        var tasks = WorkerHarness.Tasks(3);
        var (first, second, handedOver) = (tasks[0], tasks[1], tasks[2]);
        _harness.ClaimReturns([first, second]);
        var firstRecord = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(first, (handlerReturned, _) =>
        {
            handlerReturned();
            return firstRecord.Task;
        });
        var secondRunning = new TaskCompletionSource();
        var secondHandler = new TaskCompletionSource<AttemptResult>();
        _harness.OnExecute(second, (_, _) =>
        {
            // A handler that ignores its cancellation token and runs on: the stop must not wait for its slot.
            secondRunning.TrySetResult();
            return secondHandler.Task;
        });
        _harness.OnExecute(handedOver, (_, _) => Task.FromResult(new AttemptResult(AttemptOutcome.Completed)));
        var handedOverReleased = _harness.ReleaseAllWatching(handedOver);
        using var worker = _harness.CreateWorker();
        await worker.StartAsync(CancellationToken.None);
        Task stopping = Task.CompletedTask;
        bool secondStillRunning;
        try
        {
            await secondRunning.Task.WaitAsync(Deadline);
            firstRecord.SetResult(new AttemptResult(AttemptOutcome.Completed, handedOver));
            await WorkerHarness.UntilAsync(
                () => _harness.RunningAttempts.Snapshot().Any(running => running.Task == handedOver), listed => listed);

            // No shutdown deadline: only the stop of claiming, while the handler holds the only slot.
            stopping = worker.StopAsync(CancellationToken.None);
            await handedOverReleased.WaitAsync(Deadline);
            secondStillRunning = !secondHandler.Task.IsCompleted;
            await WorkerHarness.UntilAsync(
                () => _harness.RunningAttempts.Snapshot().Any(running => running.Task == handedOver), listed => !listed);
        }
        finally
        {
            firstRecord.TrySetResult(new AttemptResult(AttemptOutcome.Completed));
            secondHandler.TrySetResult(new AttemptResult(AttemptOutcome.Completed));
        }

        await stopping.WaitAsync(Deadline);

        Assert.That(secondStillRunning, Is.True, "the step was released while the handler still held the slot");
        _harness.VerifyNeverExecuted(handedOver);
        Assert.That(_harness.RunningAttempts.IsEmpty, Is.True);
    }

    /// <summary>Completes as <paramref name="condition"/> does, within the deadline, after running <paramref name="then"/> either way.</summary>
    private static async Task ThenAsync(Task condition, Action then)
    {
        try
        {
            await condition.WaitAsync(Deadline);
        }
        finally
        {
            then();
        }
    }
}
