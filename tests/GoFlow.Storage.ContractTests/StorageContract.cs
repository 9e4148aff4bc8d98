using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// The base of every contract fixture: one <see cref="IStorageUnderTest"/> per test class, from
/// <see cref="CreateStorageAsync"/>, emptied before each test (a claim or a sweep sees every row in the store, so tests
/// must not see each other's rows), disposed after the class. Tests talk to the store through the ports only.
/// </summary>
public abstract class StorageContract
{
    private static readonly TimeSpan BarrierTimeout = TimeSpan.FromSeconds(30);

    private IStorageUnderTest? _storage;

    protected IStorageUnderTest Storage =>
        _storage ?? throw new InvalidOperationException("The storage under test has not been created.");

    protected IWorkflowRepository Repository => Storage.Repository;

    protected ITaskQueue Queue => Storage.Queue;

    protected IWorkflowRetention Retention => Storage.Retention;

    protected ISignalInbox Signals => Storage.Signals;

    /// <summary>
    /// A store over an empty database of its own, with its schema in place. Called once per test class; the contract
    /// calls <see cref="IStorageUnderTest.ResetAsync"/> before each test and disposes the store after the class.
    /// </summary>
    protected abstract Task<IStorageUnderTest> CreateStorageAsync();

    [OneTimeSetUp]
    public async Task CreateStorage() => _storage = await CreateStorageAsync();

    [OneTimeTearDown]
    public async Task DisposeStorage()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    [SetUp]
    public Task EmptyStorage() => Storage.ResetAsync();

    /// <summary>Claims with <paramref name="claim"/> (by default <see cref="ClaimBuilder"/>'s) and expects exactly one task.</summary>
    protected async Task<ClaimedTask> ClaimOneAsync(ClaimBuilder? claim = null)
    {
        var claimed = await Queue.ClaimAsync((claim ?? new ClaimBuilder()).Build(), CancellationToken.None);
        Assert.That(claimed, Has.Count.EqualTo(1), "the test expects exactly one due task");
        return claimed[0];
    }

    /// <summary>
    /// Completes <paramref name="task"/> alone, in a batch of one, without handing its next step over, and tells whether
    /// the store recorded it. The store must answer with exactly that completion (and no next task) or with nothing.
    /// </summary>
    protected async Task<bool> CompleteOneAsync(
        ClaimedTask task, string output, WorkflowStep? nextStep, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var completion = Completion(task, output, nextStep);
        var recorded = await Queue.CompleteAsync([completion], now, cancellationToken);
        Assert.That(recorded, Is.Empty.Or.EquivalentTo(WithoutHandOver(completion)),
            "a batch of one records that completion or nothing");
        return recorded.Count == 1;
    }

    /// <summary>
    /// <paramref name="task"/> finished with <paramref name="output"/>, going on as the domain decides for its holder
    /// (<see cref="StepAdvance.After"/>): to <paramref name="nextStep"/>, handed over when asked for
    /// <paramref name="handOverLease"/> (by default <see cref="TestTimes.Lease"/>), or due at <paramref name="dueAt"/>.
    /// </summary>
    protected static TaskCompletion Completion(
        ClaimedTask task,
        string output,
        WorkflowStep? nextStep,
        bool handOver = false,
        DateTimeOffset? dueAt = null,
        TimeSpan? handOverLease = null) =>
        new(task, output, StepAdvance.After(nextStep, handOver, task.LeaseOwner, handOverLease ?? TestTimes.Lease, dueAt));

    /// <summary>What the store answers for <paramref name="completions"/> recorded without a hand-over.</summary>
    protected static Dictionary<TaskCompletion, ClaimedTask?> WithoutHandOver(params TaskCompletion[] completions) =>
        completions.ToDictionary(completion => completion, ClaimedTask? (_) => null);

    protected async Task<WorkflowDetails> FindAsync(WorkflowId id) =>
        await Repository.FindAsync(id, CancellationToken.None)
        ?? throw new AssertionException($"Workflow {id} is not in the store.");

    /// <summary>The stored view of the task that runs <paramref name="stepIndex"/> of <paramref name="workflowId"/>.</summary>
    protected async Task<TaskView> TaskAsync(WorkflowId workflowId, int stepIndex = 0) =>
        (await FindAsync(workflowId)).Tasks.Single(task => task.StepIndex == stepIndex);

    protected async Task<IReadOnlyList<ActivityLogEntry>> ActivityAsync(WorkflowId id) =>
        await Repository.GetActivityAsync(id, CancellationToken.None)
        ?? throw new AssertionException($"Workflow {id} is not in the store.");

    protected async Task<IReadOnlyList<string>> ActionsOfAsync(WorkflowId id) =>
        [.. (await ActivityAsync(id)).Select(entry => entry.Action)];

    protected Task<string> SnapshotAsync() => Storage.SnapshotAsync();

    /// <summary>How many tasks a sweep of expired leases took back (the count the port answers with).</summary>
    protected async Task<int> RecoverExpiredLeasesAsync(DateTimeOffset now, int maxTasks, CancellationToken cancellationToken) =>
        (await Queue.RecoverExpiredLeasesAsync(now, maxTasks, cancellationToken)).TasksTakenBack;

    /// <summary>
    /// Claims, at <paramref name="at"/>, one task and expects it to be <paramref name="workflowId"/>'s: the test arranges
    /// that no other task is due by then.
    /// </summary>
    protected async Task<ClaimedTask> ClaimTaskOfAsync(WorkflowId workflowId, DateTimeOffset at, string owner = "worker-a")
    {
        var claimed = await Queue.ClaimAsync(new ClaimBuilder().By(owner).UpTo(1).At(at).Build(), CancellationToken.None);
        Assert.That(claimed.Select(task => task.WorkflowId), Is.EqualTo(new[] { workflowId }),
            "the test expects this workflow's task to be the one due");
        return claimed[0];
    }

    /// <summary>
    /// A one-step workflow created at <paramref name="createdAt"/> and finished with <paramref name="status"/> (COMPLETED,
    /// FAILED or CANCELLED) at <paramref name="finishedAt"/>, which is then its updated_at. The test arranges that no other
    /// task is due by <paramref name="finishedAt"/>.
    /// </summary>
    protected async Task<WorkflowId> CreateFinishedAsync(
        WorkflowStatus status, DateTimeOffset finishedAt, DateTimeOffset? createdAt = null, string name = "Single")
    {
        var workflow = await new WorkflowBuilder().Named(name).WithTasks("Only")
            .CreatedAt(createdAt ?? finishedAt.AddMinutes(-1)).CreateAsync(Repository);
        switch (status)
        {
            case WorkflowStatus.Completed:
                Assert.That(await CompleteOneAsync(await ClaimTaskOfAsync(workflow.Id, finishedAt), "{}", null, finishedAt), Is.True);
                break;
            case WorkflowStatus.Failed:
                Assert.That(await Queue.FailAsync(
                    new TaskFailure(await ClaimTaskOfAsync(workflow.Id, finishedAt), "broken", null, finishedAt), CancellationToken.None),
                    Is.True);
                break;
            case WorkflowStatus.Cancelled:
                Assert.That((await Repository.CancelAsync(workflow.Id, finishedAt, CancellationToken.None)).Outcome,
                    Is.EqualTo(WorkflowChangeOutcome.Changed));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, "not a finished status");
        }

        return workflow.Id;
    }

    /// <summary>
    /// Runs <paramref name="count"/> participants at once and waits for all of them. Each starts on a thread of its own
    /// and waits at a barrier until every one has arrived, so all begin in the same moment, however busy the thread pool
    /// is and however fast the store answers: an in-process store can finish a participant's first calls before its
    /// thread is ever given back, so starting them one by one would let the first run alone.
    /// </summary>
    protected static async Task<T[]> RunTogetherAsync<T>(int count, Func<int, Task<T>> work)
    {
        using var barrier = new Barrier(count);
        var participants = Enumerable.Range(0, count)
            .Select(index => Task.Factory.StartNew(
                () => barrier.SignalAndWait(BarrierTimeout)
                    ? work(index)
                    : throw new TimeoutException($"Not all {count} participants reached the start within {BarrierTimeout}."),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap())
            .ToArray();
        return await Task.WhenAll(participants);
    }

    /// <summary>Whether two JSON texts hold the same value (stores may reformat JSON text, never change it).</summary>
    protected static bool SameJson(string expected, string? actual) =>
        actual is not null && JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));

    protected static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
