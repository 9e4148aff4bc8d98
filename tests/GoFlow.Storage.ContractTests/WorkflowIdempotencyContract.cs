using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRepository.CreateOnceAsync"/>: a workflow stored under an idempotency key, and a second request with
/// the key answered with the workflow that holds it, storing nothing. (Concurrent requests with one key:
/// <see cref="WorkflowOperationsConcurrencyContract"/>.) Subclass it and implement
/// <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowIdempotencyContract : StorageContract
{
    private const string Fingerprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string OtherFingerprint = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    [Test]
    public async Task CreateOnceAsync_NewKey_StoresTheWorkflowItsFirstTaskAndItsCreatedRow()
    {
        var (workflow, firstTask) = new WorkflowBuilder().WithInput("""{"order_id":"A-9"}""").Build();

        var result = await Repository.CreateOnceAsync(workflow, firstTask, new IdempotencyKey("order-A-9", Fingerprint), CancellationToken.None);

        var found = await FindAsync(workflow.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.EqualTo(new IdempotentCreateResult.Created()));
            Assert.That(found.Workflow, Is.EqualTo(ViewOf(workflow)).Using<WorkflowView>(SameView));
            Assert.That(found.Tasks, Has.Count.EqualTo(1));
            Assert.That(found.Tasks[0].TaskName, Is.EqualTo("ValidateOrder"));
            Assert.That(found.Tasks[0].Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(SameJson("""{"order_id":"A-9"}""", found.Tasks[0].InputPayload), Is.True);
            Assert.That(await ActionsOfAsync(workflow.Id), Is.EqualTo(new[] { ActivityAction.WorkflowCreated }));
        }
    }

    [Test]
    public async Task CreateOnceAsync_KeyTaken_ReturnsTheWorkflowHoldingItAndStoresNothing()
    {
        var (first, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateOnceAsync(first, firstTask, new IdempotencyKey("order-A-1", Fingerprint), CancellationToken.None);
        var before = await SnapshotAsync();
        var (second, secondTask) = new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(5)).Build();

        var result = await Repository.CreateOnceAsync(second, secondTask, new IdempotencyKey("order-A-1", Fingerprint), CancellationToken.None);

        var taken = result as IdempotentCreateResult.KeyTaken;
        Assert.That(taken, Is.Not.Null, $"expected KeyTaken, got {result}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(taken!.Existing, Is.EqualTo(ViewOf(first)).Using<WorkflowView>(SameView));
            Assert.That(taken.RequestFingerprint, Is.EqualTo(Fingerprint));
            Assert.That(await Repository.FindAsync(second.Id, CancellationToken.None), Is.Null, "the second workflow was not stored");
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "nothing was written");
        }
    }

    [Test]
    public async Task CreateOnceAsync_KeyTakenByADifferentRequest_ReturnsTheFingerprintOfTheRequestThatTookIt()
    {
        var (first, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateOnceAsync(first, firstTask, new IdempotencyKey("order-A-1", Fingerprint), CancellationToken.None);
        var before = await SnapshotAsync();
        var (second, secondTask) = new WorkflowBuilder().WithInput("""{"order_id":"B-2"}""").Build();

        var result = await Repository.CreateOnceAsync(
            second, secondTask, new IdempotencyKey("order-A-1", OtherFingerprint), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result, Is.TypeOf<IdempotentCreateResult.KeyTaken>());
            Assert.That((result as IdempotentCreateResult.KeyTaken)?.Existing.Id, Is.EqualTo(first.Id));
            Assert.That((result as IdempotentCreateResult.KeyTaken)?.RequestFingerprint, Is.EqualTo(Fingerprint),
                "the caller compares it with its own to tell a repeat from a different request");
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "nothing was written");
        }
    }

    [Test]
    public async Task CreateOnceAsync_KeyTakenByAWorkflowThatHasMovedOn_ReturnsItAsItIsNow()
    {
        var (first, firstTask) = new WorkflowBuilder().Named("Single").WithTasks("Only").Build();
        await Repository.CreateOnceAsync(first, firstTask, new IdempotencyKey("k-1", Fingerprint), CancellationToken.None);
        var finishedAt = TestTimes.Start.AddSeconds(10);
        await CompleteOneAsync(await ClaimTaskOfAsync(first.Id, finishedAt), """{"done":true}""", null, finishedAt);
        var (second, secondTask) = new WorkflowBuilder().Named("Single").WithTasks("Only").Build();

        var result = await Repository.CreateOnceAsync(second, secondTask, new IdempotencyKey("k-1", Fingerprint), CancellationToken.None);

        var existing = (result as IdempotentCreateResult.KeyTaken)?.Existing;
        Assert.That(existing, Is.EqualTo((await FindAsync(first.Id)).Workflow).Using<WorkflowView>(SameView));
        Assert.That(existing!.Status, Is.EqualTo(WorkflowStatus.Completed));
    }

    [Test]
    public async Task CreateOnceAsync_DifferentKeys_StoreAWorkflowEach()
    {
        var (first, firstTask) = new WorkflowBuilder().Build();
        var (second, secondTask) = new WorkflowBuilder().Build();

        var firstResult = await Repository.CreateOnceAsync(first, firstTask, new IdempotencyKey("key-1", Fingerprint), CancellationToken.None);
        var secondResult = await Repository.CreateOnceAsync(second, secondTask, new IdempotencyKey("key-2", Fingerprint), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(firstResult, Is.TypeOf<IdempotentCreateResult.Created>());
            Assert.That(secondResult, Is.TypeOf<IdempotentCreateResult.Created>());
            Assert.That(await Repository.FindAsync(first.Id, CancellationToken.None), Is.Not.Null);
            Assert.That(await Repository.FindAsync(second.Id, CancellationToken.None), Is.Not.Null);
        }
    }

    [Test]
    public async Task CreateOnceAsync_KeysDifferingOnlyInCase_AreDifferentKeys()
    {
        var (first, firstTask) = new WorkflowBuilder().Build();
        var (second, secondTask) = new WorkflowBuilder().Build();
        await Repository.CreateOnceAsync(first, firstTask, new IdempotencyKey("Order-1", Fingerprint), CancellationToken.None);

        var result = await Repository.CreateOnceAsync(second, secondTask, new IdempotencyKey("order-1", Fingerprint), CancellationToken.None);

        Assert.That(result, Is.TypeOf<IdempotentCreateResult.Created>(), "keys are compared exactly, not case-insensitively");
    }

    [Test]
    public async Task CreateOnceAsync_LongestUnicodeKey_IsKeptExactly()
    {
        // 255 characters, the most a key may have, most of them outside ASCII (two to four bytes each in UTF-8).
        var key = new string('ü', 247) + "日本語-🚀-1";
        Assert.That(key, Has.Length.EqualTo(255));
        var nearlyTheSame = key[..^1] + "2";
        var (first, firstTask) = new WorkflowBuilder().Build();
        var (second, secondTask) = new WorkflowBuilder().Build();
        var (third, thirdTask) = new WorkflowBuilder().Build();
        await Repository.CreateOnceAsync(first, firstTask, new IdempotencyKey(key, Fingerprint), CancellationToken.None);

        var again = await Repository.CreateOnceAsync(second, secondTask, new IdempotencyKey(key, Fingerprint), CancellationToken.None);
        var other = await Repository.CreateOnceAsync(third, thirdTask, new IdempotencyKey(nearlyTheSame, Fingerprint), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((again as IdempotentCreateResult.KeyTaken)?.Existing.Id, Is.EqualTo(first.Id));
            Assert.That(other, Is.TypeOf<IdempotentCreateResult.Created>(), "the last character counts");
        }
    }

    [Test]
    public async Task CreateAsync_ManyWorkflowsWithoutAKey_DoNotTakeAnyKey()
    {
        // Workflows started without a key store none (NULL), any number of them, and leave every key free.
        for (var i = 0; i < 3; i++)
        {
            await new WorkflowBuilder().CreateAsync(Repository);
        }

        var (keyed, keyedTask) = new WorkflowBuilder().Build();

        var result = await Repository.CreateOnceAsync(keyed, keyedTask, new IdempotencyKey("k", Fingerprint), CancellationToken.None);

        Assert.That(result, Is.TypeOf<IdempotentCreateResult.Created>());
    }

    private static WorkflowView ViewOf(WorkflowInstance workflow) => new(
        workflow.Id, workflow.WorkflowName, workflow.Status, workflow.CurrentInput, workflow.CreatedAt, workflow.UpdatedAt);

    /// <summary>Equal views, comparing the current input as JSON (stores may reformat JSON text).</summary>
    private static bool SameView(WorkflowView expected, WorkflowView actual) =>
        expected with { CurrentInput = string.Empty } == actual with { CurrentInput = string.Empty }
        && SameJson(expected.CurrentInput, actual.CurrentInput);
}
