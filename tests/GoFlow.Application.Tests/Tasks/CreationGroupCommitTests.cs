using System.Collections.Concurrent;
using System.Text.Json;
using GoFlow.Application.Tasks;
using GoFlow.Application.Tests.Builders;
using GoFlow.Application.UseCases;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace GoFlow.Application.Tests.Tasks;

public sealed class CreationGroupCommitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly Mock<IWorkflowRepository> _repository = new();
    private readonly ConcurrentQueue<IReadOnlyList<NewWorkflow>> _writes = new();
    private readonly TestTelemetry _telemetry = new();

    /// <summary>What the store does with each write after the first; by default it stores them all.</summary>
    private Func<IReadOnlyList<NewWorkflow>, Task> _store = _ => Task.CompletedTask;

    [SetUp]
    public void RecordEachWrite() =>
        _repository.Setup(repository => repository.CreateManyAsync(
                It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<NewWorkflow> workflows, CancellationToken _) =>
            {
                _writes.Enqueue(workflows);
                return _store(workflows);
            });

    [TearDown]
    public void DisposeTelemetry() => _telemetry.Dispose();

    [Test]
    public async Task CreateAsync_NoWriteInFlight_StoresItAtOnceInAGroupOfOne()
    {
        var workflow = WorkflowToStore();

        // Nothing else ever arrives: a start that waited for company would never be stored.
        await new CreationGroupCommit(_repository.Object, TestStoreLimits.Microseconds).CreateAsync(workflow).WaitAsync(Deadline);

        Assert.That(_writes.Single(), Is.EqualTo(new[] { workflow }));
    }

    [Test]
    public async Task CreateAsync_StartsArriveWhileAWriteIsInFlight_StoresThemTogetherInOneNextCreateMany()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        NewWorkflow[] arrivedMeanwhile = [WorkflowToStore(), WorkflowToStore(TestDefinitions.UserOnboarding), WorkflowToStore()];
        var answers = arrivedMeanwhile.Select(groupCommit.CreateAsync).ToList();

        Assert.That(answers.Any(answer => answer.IsCompleted), Is.False, "no start is answered before its commit");
        openGate();
        await first.WaitAsync(Deadline);
        await Task.WhenAll(answers).WaitAsync(Deadline);

        Assert.That(_writes.Skip(1), Is.EqualTo(new[] { arrivedMeanwhile }), "one write after the one in flight");
    }

    [Test]
    public async Task CreateAsync_StoreUnavailableForAGroup_FailsEveryCallerOfTheGroup()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        var outage = new StoreUnavailableException("Connection refused", new IOException());
        _store = _ => throw outage;
        var answers = new[] { WorkflowToStore(), WorkflowToStore(), WorkflowToStore() }.Select(groupCommit.CreateAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        await AllAnsweredAsync(answers);

        Assert.That(answers.Select(answer => answer.Exception?.InnerException), Is.All.SameAs(outage));
        Assert.That(_writes, Has.Count.EqualTo(2), "nothing is stored workflow by workflow while the store is down");
    }

    [Test]
    public async Task CreateAsync_StoreRefusesOneWorkflowOfAGroup_StoresEachAloneAndFailsOnlyItsCaller()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        NewWorkflow before = WorkflowToStore(), refused = WorkflowToStore(), after = WorkflowToStore();
        _store = workflows => workflows.Contains(refused)
            ? throw new InvalidOperationException("a broken invariant")
            : Task.CompletedTask;
        var answers = new[] { before, refused, after }.Select(groupCommit.CreateAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        await AllAnsweredAsync(answers);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers[0].IsCompletedSuccessfully, Is.True, "stored on its own");
            Assert.That(answers[1].Exception?.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(answers[2].IsCompletedSuccessfully, Is.True, "stored on its own");
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
    public async Task CreateAsync_MoreThanAGroupArriveWhileAWriteIsInFlight_StoresAtMost200AtATime()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        var arrivedMeanwhile = Enumerable.Range(0, 450).Select(_ => WorkflowToStore()).ToList();
        var answers = arrivedMeanwhile.Select(groupCommit.CreateAsync).ToList();

        openGate();
        await first.WaitAsync(Deadline);
        await Task.WhenAll(answers).WaitAsync(Deadline);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_writes.Skip(1).Select(write => write.Count), Is.EqualTo(new[] { 200, 200, 50 }));
            Assert.That(_writes.Skip(1).SelectMany(write => write), Is.EqualTo(arrivedMeanwhile), "each once, in order");
        }
    }

    [Test]
    public async Task StartAsync_WithoutIdempotencyKey_StoresThroughTheGroupCommitsCreateManyNeverCreateAsync()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        var startWorkflow = StartWorkflow(groupCommit);

        // StartAsync runs synchronously up to the group commit, so each start below has joined the queue on return.
        var starts = new[] { "OrderProcess", "UserOnboarding", "OrderProcess" }
            .Select(name => startWorkflow.StartAsync(new StartWorkflowCommand(name, null), CancellationToken.None))
            .ToList();
        Assert.That(starts.Any(start => start.IsCompleted), Is.False, "no start is answered before its commit");
        openGate();
        await first.WaitAsync(Deadline);
        var results = await Task.WhenAll(starts).WaitAsync(Deadline);

        var startedIds = results.Select(result => ((StartWorkflowResult.Started)result).Workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_writes.Skip(1).Select(write => write.Select(entry => entry.Workflow.Id)), Is.EqualTo(new[] { startedIds }),
                "the three starts shared one write");
            Assert.That(_writes.Skip(1).Single().Select(entry => entry.FirstTask.TaskName),
                Is.EqualTo(new[] { "ValidateOrder", "CreateAccount", "ValidateOrder" }));
        }

        _repository.Verify(repository => repository.CreateOnceAsync(
            It.IsAny<WorkflowInstance>(), It.IsAny<WorkflowTask>(), It.IsAny<IdempotencyKey>(), It.IsAny<CancellationToken>()),
            Times.Never);
    }

    [Test]
    public async Task StartAsync_StoreUnavailable_ThrowsItToTheCallerAndWakesNoWorker()
    {
        var workAvailable = new Mock<IWorkAvailableSignal>();
        var outage = new StoreUnavailableException("Connection refused", new IOException());
        _store = _ => throw outage;
        var startWorkflow = StartWorkflow(new CreationGroupCommit(_repository.Object, TestStoreLimits.Microseconds), workAvailable.Object);

        var start = startWorkflow.StartAsync(new StartWorkflowCommand("OrderProcess", null), CancellationToken.None);

        Assert.That(async () => await start.WaitAsync(Deadline), Throws.Exception.SameAs(outage));
        Assert.That(_writes, Has.Count.EqualTo(1), "the start reached the store through CreateManyAsync");
        workAvailable.Verify(signal => signal.Notify(), Times.Never);
    }

    [Test]
    public async Task StartAsync_CallerCancelsWhileQueued_StopsWaitingButTheWorkflowIsStoredWithTheNextGroupAndWakesAWorker()
    {
        var (groupCommit, first, openGate) = await GroupCommitWithAWriteInFlightAsync();
        using var cancellation = new CancellationTokenSource();
        var notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workAvailable = new Mock<IWorkAvailableSignal>();
        workAvailable.Setup(signal => signal.Notify()).Callback(() => notified.TrySetResult());
        var start = StartWorkflow(groupCommit, workAvailable.Object).StartAsync(
            new StartWorkflowCommand("UserOnboarding", ParseJson("""{"user":"ada"}""")), cancellation.Token);

        var nextWrite = new TaskCompletionSource<IReadOnlyList<NewWorkflow>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _store = workflows =>
        {
            nextWrite.SetResult(workflows);
            return Task.CompletedTask;
        };

        await cancellation.CancelAsync();

        Assert.That(async () => await start.WaitAsync(Deadline), Throws.InstanceOf<OperationCanceledException>());
        openGate();
        await first.WaitAsync(Deadline);
        var stored = (await nextWrite.Task.WaitAsync(Deadline)).Single();
        using (Assert.EnterMultipleScope())
        {
            // A write may hold other callers' workflows, so one caller leaving does not take its workflow out of it.
            Assert.That(stored.Workflow.WorkflowName, Is.EqualTo("UserOnboarding"));
            Assert.That(stored.Workflow.CurrentInput, Is.EqualTo("""{"user":"ada"}"""));
        }

        // Stored after its caller left, it still wakes a worker rather than wait for the next poll.
        await notified.Task.WaitAsync(Deadline);
    }

    /// <summary>Waits until every caller has its answer, a result or a failure; fails at the deadline.</summary>
    private static async Task AllAnsweredAsync(IEnumerable<Task> answers)
    {
        var all = Task.WhenAll(answers);
        await Task.WhenAny(all, Task.Delay(Deadline));
        Assert.That(all.IsCompleted, Is.True, "every caller was answered before the deadline");
    }

    private static NewWorkflow WorkflowToStore(WorkflowDefinition? definition = null)
    {
        var (workflow, firstTask) = WorkflowInstance.Create(definition ?? TestDefinitions.OrderProcess, "{}", TestDefinitions.Now);
        return new NewWorkflow(workflow, firstTask);
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private StartWorkflow StartWorkflow(CreationGroupCommit groupCommit, IWorkAvailableSignal? workAvailable = null)
    {
        var definitions = TestDefinitions.Port();
        return new StartWorkflow(
            new StartWorkflowCommandValidator(TimeProvider.System),
            definitions,
            _repository.Object,
            groupCommit,
            workAvailable ?? Mock.Of<IWorkAvailableSignal>(),
            _telemetry.Engine,
            new FakeTimeProvider(TestDefinitions.Now),
            TestStoreLimits.Microseconds);
    }

    /// <summary>
    /// A group commit whose first write has reached the store and waits there until the returned action opens its
    /// gate; the workflows a test adds meanwhile gather for the next write.
    /// </summary>
    private async Task<(CreationGroupCommit GroupCommit, Task First, Action OpenGate)> GroupCommitWithAWriteInFlightAsync()
    {
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstWrite = true;
        _repository.Setup(repository => repository.CreateManyAsync(
                It.IsAny<IReadOnlyList<NewWorkflow>>(), It.IsAny<CancellationToken>()))
            .Returns(async (IReadOnlyList<NewWorkflow> workflows, CancellationToken _) =>
            {
                _writes.Enqueue(workflows);
                if (firstWrite)
                {
                    // Only the writer calls the store, one write at a time, so this flag needs no lock.
                    firstWrite = false;
                    inFlight.SetResult();
                    await gate.Task;
                    return;
                }

                await _store(workflows);
            });
        var groupCommit = new CreationGroupCommit(_repository.Object, TestStoreLimits.Microseconds, maxConcurrentWrites: 1);
        var first = groupCommit.CreateAsync(WorkflowToStore());
        await inFlight.Task.WaitAsync(Deadline);
        return (groupCommit, first, gate.SetResult);
    }
}
