using System.Collections.Concurrent;
using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.Tasks;

public sealed class CompletionGroupCommitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly AttemptResult Completed = new(AttemptOutcome.Completed);

    private readonly Mock<ITaskQueue> _queue = new();
    private readonly FakeTimeProvider _clock = new(TestDefinitions.Now);
    private readonly ConcurrentQueue<IReadOnlyList<TaskCompletion>> _writes = new();

    /// <summary>What the store does with each write; by default it records every completion and hands nothing over.</summary>
    private Func<IReadOnlyList<TaskCompletion>, IReadOnlyDictionary<TaskCompletion, ClaimedTask?>> _store = RecordAll;

    private int _nextTaskId;

    [SetUp]
    public void RecordEachWrite() =>
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) =>
            {
                _writes.Enqueue(completions);
                return Task.FromResult(_store(completions));
            });

    [Test]
    public async Task CompleteAsync_NoWriteInFlight_WritesItAtOnceInAGroupOfOneAtStoreNow()
    {
        var completion = Completion();

        // The fake clock never moves: a completion that waited on a timer for company would never be written.
        var recorded = await new CompletionGroupCommit(_queue.Object, _clock, TestStoreLimits.Microseconds).CompleteAsync(completion).WaitAsync(Deadline);

        Assert.That(recorded, Is.EqualTo(Completed));
        Assert.That(_writes.Single(), Is.EqualTo(new[] { completion }));
        _queue.Verify(queue => queue.CompleteAsync(
            It.IsAny<IReadOnlyList<TaskCompletion>>(), TestDefinitions.Now, It.IsAny<CancellationToken>()));
    }

    [Test]
    public async Task CompleteAsync_OneWriteInFlightAndTwoAllowed_WritesTheNextCompletionAtOnceBesideIt()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstWrite = 0;
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(async (IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) =>
            {
                _writes.Enqueue(completions);
                if (Interlocked.Exchange(ref firstWrite, 1) == 0)
                {
                    inFlight.SetResult();
                    await gate.Task;
                }

                return RecordAll(completions);
            });
        var groupCommit = new CompletionGroupCommit(_queue.Object, _clock, TestStoreLimits.Microseconds, maxConcurrentWrites: 2);
        var blocked = groupCommit.CompleteAsync(Completion());
        await inFlight.Task.WaitAsync(Deadline);
        var second = Completion();

        // The first write never ends until the gate opens: only a second writer can answer this one.
        var recorded = await groupCommit.CompleteAsync(second).WaitAsync(Deadline);

        Assert.That(recorded, Is.EqualTo(Completed));
        Assert.That(blocked.IsCompleted, Is.False);
        gate.SetResult();
        await blocked.WaitAsync(Deadline);
        Assert.That(_writes, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task CompleteAsync_CompletionsArriveWhileAWriteIsInFlight_WritesThemTogetherInTheNextWrite()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        TaskCompletion[] arrivedMeanwhile = [Completion(), Completion(), Completion()];
        var answers = arrivedMeanwhile.Select(groupCommit.CompleteAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        var recorded = await Task.WhenAll(answers).WaitAsync(Deadline);

        Assert.That(_writes.Skip(1), Is.EqualTo(new[] { arrivedMeanwhile }), "one write after the one in flight");
        Assert.That(recorded, Is.EqualTo(Enumerable.Repeat(Completed, arrivedMeanwhile.Length)));
    }

    [Test]
    public async Task CompleteAsync_AGroupOf200Written_AnswersItsCallersWithAFewThreadPoolWorkItemsNotOneEach()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        // Each caller awaits its answer, as ExecuteTask does: its continuation is what a work item would run.
        async Task<AttemptResult> CallerAsync() => await groupCommit.CompleteAsync(Completion());
        var answers = Enumerable.Range(0, CompletionGroupCommit.MaxGroupSize).Select(_ => CallerAsync()).ToList();
        var workItemsBefore = ThreadPool.CompletedWorkItemCount;

        openGate();
        await first.WaitAsync(Deadline);
        await Task.WhenAll(answers).WaitAsync(Deadline);

        // Each work item may wake an idle pool thread, which spins when it runs out of work: one per caller woke them
        // all, group after group. The count is the process's, so it has room for the test's own continuations.
        Assert.That(ThreadPool.CompletedWorkItemCount - workItemsBefore, Is.LessThan(CompletionGroupCommit.MaxGroupSize / 4));
    }

    [Test]
    public async Task CompleteAsync_StoreLeavesOneOutOfTheGroup_AnswersThatOneRejectedAndTheOthersCompletedWithTheirHandOver()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        var handedOver = new ClaimedTaskBuilder().AtStep(1).Build() with { Id = new TaskId(1000) };
        TaskCompletion held = Completion(), notHeld = Completion(), alsoHeld = Completion();
        _store = completions => completions.Where(c => c != notHeld).ToDictionary(c => c, ClaimedTask? (_) => handedOver);
        var answers = new[] { held, notHeld, alsoHeld }.Select(groupCommit.CompleteAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        var recorded = await Task.WhenAll(answers).WaitAsync(Deadline);

        Assert.That(_writes, Has.Count.EqualTo(2), "the group was written once");
        Assert.That(recorded, Is.EqualTo(new[]
        {
            new AttemptResult(AttemptOutcome.Completed, handedOver),
            new AttemptResult(AttemptOutcome.Rejected),
            new AttemptResult(AttemptOutcome.Completed, handedOver),
        }));
    }

    [Test]
    public async Task CompleteAsync_StoreUnavailableForAGroup_FailsEveryCallerOfTheGroup()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        var outage = new StoreUnavailableException("Connection refused", new IOException());
        _store = _ => throw outage;
        var answers = new[] { Completion(), Completion(), Completion() }.Select(groupCommit.CompleteAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        await AllAnsweredAsync(answers);

        Assert.That(answers.Select(answer => answer.Exception?.InnerException), Is.All.SameAs(outage));
        Assert.That(_writes, Has.Count.EqualTo(2), "nothing is written completion by completion while the store is down");
    }

    [Test]
    public async Task CompleteAsync_StoreRefusesOneCompletionOfAGroup_WritesEachAloneAndFailsOnlyItsCaller()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        TaskCompletion before = Completion(), refused = Completion(), after = Completion();
        _store = completions => completions.Contains(refused)
            ? throw new InvalidOperationException("a broken invariant")
            : RecordAll(completions);
        var answers = new[] { before, refused, after }.Select(groupCommit.CompleteAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        await AllAnsweredAsync(answers);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers[0].Result, Is.EqualTo(Completed));
            Assert.That(answers[1].Exception?.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(answers[2].Result, Is.EqualTo(Completed));
            Assert.That(_writes.Skip(1), Is.EqualTo(new[]
            {
                new[] { before, refused, after },
                new[] { before },
                new[] { refused },
                new[] { after },
            }));
        }
    }

    [Test]
    public void CompleteAsync_LoneCompletionRefused_FailsItsCaller()
    {
        _store = _ => throw new InvalidOperationException("a broken invariant");

        var answer = new CompletionGroupCommit(_queue.Object, _clock, TestStoreLimits.Microseconds).CompleteAsync(Completion());

        Assert.That(async () => await answer.WaitAsync(Deadline), Throws.InstanceOf<InvalidOperationException>());
        Assert.That(_writes, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task CompleteAsync_AfterAFailedWrite_WritesTheNextCompletion()
    {
        var groupCommit = new CompletionGroupCommit(_queue.Object, _clock, TestStoreLimits.Microseconds, maxConcurrentWrites: 1);
        _store = _ => throw new StoreUnavailableException("Connection refused", new IOException());
        var failed = groupCommit.CompleteAsync(Completion());
        Assert.That(async () => await failed.WaitAsync(Deadline), Throws.InstanceOf<StoreUnavailableException>());
        _store = RecordAll;
        var later = Completion();

        var recorded = await groupCommit.CompleteAsync(later).WaitAsync(Deadline);

        Assert.That(recorded, Is.EqualTo(Completed));
    }

    [Test]
    public async Task CompleteAsync_MoreThanAGroupArriveWhileAWriteIsInFlight_WritesAtMost200AtATime()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        var arrivedMeanwhile = Enumerable.Range(0, 450).Select(_ => Completion()).ToList();
        // Each completion hands over a task of its own id, so that each caller's answer names its own completion.
        _store = completions => completions.ToDictionary(c => c, ClaimedTask? (c) => c.Task with { StepIndex = 1 });
        var answers = arrivedMeanwhile.Select(groupCommit.CompleteAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        var recorded = await Task.WhenAll(answers).WaitAsync(Deadline);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_writes.Skip(1).Select(write => write.Count), Is.EqualTo(new[] { 200, 200, 50 }));
            Assert.That(_writes.Skip(1).SelectMany(write => write), Is.EqualTo(arrivedMeanwhile), "each once, in order");
            Assert.That(recorded.Select(r => r.NextTask?.Id), Is.EqualTo(arrivedMeanwhile.Select(c => (TaskId?)c.Task.Id)));
        }
    }

    [Test]
    public async Task CompleteAsync_LargeOutputsArriveWhileAWriteIsInFlight_SplitsGroupsByPayloadSizeAndWritesAnOversizedOneAlone()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        // An output is sent three times, so a million characters weigh three million: one fits beside a small one,
        // two do not; and one over the whole bound still goes, alone.
        TaskCompletion[] arrivedMeanwhile =
        [
            Completion(Output(1_000_000)),
            Completion(Output(100)),
            Completion(Output(1_000_000)),
            Completion(Output((int)(TestStoreLimits.Microseconds.MaxPayloadCharsPerTransaction / 3) + 1)),
            Completion(Output(100)),
        ];
        var answers = arrivedMeanwhile.Select(groupCommit.CompleteAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        await Task.WhenAll(answers).WaitAsync(Deadline);

        Assert.That(
            _writes.Skip(1).Select(write => write.Count),
            Is.EqualTo(new[] { 2, 1, 1, 1 }),
            "[1M + 100], [1M], [over the bound, alone], [100]");
        Assert.That(_writes.Skip(1).SelectMany(write => write), Is.EqualTo(arrivedMeanwhile), "each once, in order");
    }

    /// <summary>Waits until every caller has its answer, a result or a failure; fails at the deadline.</summary>
    private static async Task AllAnsweredAsync(IEnumerable<Task> answers)
    {
        var all = Task.WhenAll(answers);
        await Task.WhenAny(all, Task.Delay(Deadline));
        Assert.That(all.IsCompleted, Is.True, "every caller was answered before the deadline");
    }

    private static Dictionary<TaskCompletion, ClaimedTask?> RecordAll(IReadOnlyList<TaskCompletion> completions) =>
        completions.ToDictionary(completion => completion, ClaimedTask? (_) => null);

    /// <summary>
    /// A group commit whose first write has reached the store and waits there until the returned action opens its
    /// gate; the completions a test adds meanwhile gather for the next write.
    /// </summary>
    private async Task<(CompletionGroupCommit GroupCommit, Task<AttemptResult> First, Action OpenGate)>
        GroupCommitWithAWriteInFlightAsync()
    {
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstWrite = true;
        _queue.Setup(queue => queue.CompleteAsync(
                It.IsAny<IReadOnlyList<TaskCompletion>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(async (IReadOnlyList<TaskCompletion> completions, DateTimeOffset _, CancellationToken _) =>
            {
                _writes.Enqueue(completions);
                if (firstWrite)
                {
                    // Only the writer calls the store, one write at a time, so this flag needs no lock.
                    firstWrite = false;
                    inFlight.SetResult();
                    await gate.Task;
                    return RecordAll(completions);
                }

                return _store(completions);
            });
        var groupCommit = new CompletionGroupCommit(_queue.Object, _clock, TestStoreLimits.Microseconds, maxConcurrentWrites: 1);
        var first = groupCommit.CompleteAsync(Completion());
        await inFlight.Task.WaitAsync(Deadline);
        return (groupCommit, first, gate.SetResult);
    }

    /// <summary>A completion of a task of its own, so each is told apart from the others.</summary>
    private TaskCompletion Completion(string output = "{}")
    {
        var task = new ClaimedTaskBuilder().Build() with { Id = new TaskId(Interlocked.Increment(ref _nextTaskId)) };
        return new TaskCompletion(task, output, StepAdvance.After(TestDefinitions.OrderProcess.Steps[1], false, task.LeaseOwner, TestLease.Duration));
    }

    /// <summary>A JSON object of <paramref name="length"/> characters.</summary>
    private static string Output(int length) => "{\"a\":\"" + new string('x', length - 8) + "\"}";
}
