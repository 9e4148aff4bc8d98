using GoFlow.Domain;

namespace GoFlow.Worker.Tests;

public sealed class RunningAttemptsTests
{
    private readonly RunningAttempts _running = new();

    [Test]
    public void Dispose_TaskListed_TakesItOffTheList()
    {
        var tasks = WorkerHarness.Tasks(2);
        using var first = _running.Add(tasks[0], CancellationToken.None);
        var second = _running.Add(tasks[1], CancellationToken.None);

        second.Dispose();

        Assert.That(_running.Snapshot().Select(r => r.Task), Is.EqualTo(new[] { tasks[0] }));
    }

    [Test]
    public void Dispose_SameTaskListedAgainByALaterRun_LeavesTheLaterRunListed()
    {
        var task = WorkerHarness.Tasks(1)[0];
        var earlier = _running.Add(task, CancellationToken.None);
        using var later = _running.Add(task, CancellationToken.None);

        earlier.Dispose();

        Assert.That(_running.Snapshot(), Is.EqualTo(new[] { later }));
    }

    [Test]
    public void StopLost_LeaseNotRenewed_FiresOnlyThatTasksToken()
    {
        var tasks = WorkerHarness.Tasks(2);
        using var kept = _running.Add(tasks[0], CancellationToken.None);
        using var lost = _running.Add(tasks[1], CancellationToken.None);

        _running.StopLost(_running.Snapshot(), new HashSet<TaskId> { tasks[0].Id });

        Assert.That(kept.Token.IsCancellationRequested, Is.False);
        Assert.That(lost.Token.IsCancellationRequested, Is.True);
    }

    [Test]
    public void StopLost_TaskEndedSinceTheRenewalWasAsked_DoesNotThrow()
    {
        var task = WorkerHarness.Tasks(1)[0];
        var ended = _running.Add(task, CancellationToken.None);
        var asked = _running.Snapshot();
        ended.Dispose();

        Assert.DoesNotThrow(() => _running.StopLost(asked, new HashSet<TaskId>()));
    }

    [Test]
    public void Add_ShutdownDeadlinePasses_FiresTheTasksToken()
    {
        using var shutdownDeadline = new CancellationTokenSource();
        using var running = _running.Add(WorkerHarness.Tasks(1)[0], shutdownDeadline.Token);

        shutdownDeadline.Cancel();

        Assert.That(running.Token.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task WhenEmptyAsync_LastTaskEnds_Completes()
    {
        var tasks = WorkerHarness.Tasks(2);
        var first = _running.Add(tasks[0], CancellationToken.None);
        var second = _running.Add(tasks[1], CancellationToken.None);

        var empty = _running.WhenEmptyAsync(CancellationToken.None);
        first.Dispose();
        var emptyWithOneLeft = empty.IsCompleted;
        second.Dispose();
        await empty.WaitAsync(WorkerHarness.Deadline);

        Assert.That(emptyWithOneLeft, Is.False);
    }

    [Test]
    public void WhenEmptyAsync_NothingRunning_CompletesAtOnce()
    {
        Assert.That(_running.WhenEmptyAsync(CancellationToken.None).IsCompletedSuccessfully, Is.True);
    }
}
