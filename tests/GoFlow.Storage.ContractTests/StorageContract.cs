using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Domain;
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
    private IStorageUnderTest? _storage;

    protected IStorageUnderTest Storage =>
        _storage ?? throw new InvalidOperationException("The storage under test has not been created.");

    protected IWorkflowRepository Repository => Storage.Repository;

    protected ITaskQueue Queue => Storage.Queue;

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

    /// <summary>Whether two JSON texts hold the same value (stores may reformat JSON text, never change it).</summary>
    protected static bool SameJson(string expected, string? actual) =>
        actual is not null && JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));

    protected static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
