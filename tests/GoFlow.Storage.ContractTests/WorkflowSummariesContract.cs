using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowSummaries"/>: the list without payloads pages exactly as <see cref="IWorkflowRepository.ListAsync"/>
/// does, and a workflow is found by its id or its exact Idempotency-Key. Subclass it and implement
/// <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowSummariesContract : StorageContract
{
    private IWorkflowSummaries Summaries => Storage.Summaries;

    [Test]
    public async Task ListAsync_EveryFilterAndPage_ListsWhatTheRepositoryListsWithoutPayloads()
    {
        for (var i = 0; i < 4; i++)
        {
            await CreateFinishedAsync(i % 2 == 0 ? WorkflowStatus.Completed : WorkflowStatus.Failed,
                TestTimes.Start.AddMinutes(10 * i + 1), TestTimes.Start.AddMinutes(10 * i), name: i < 2 ? "Alpha" : "Beta");
        }

        for (var i = 0; i < 3; i++)
        {
            await new WorkflowBuilder().Named("Alpha").CreatedAt(TestTimes.Start.AddMinutes(50 + i)).CreateAsync(Repository);
        }

        WorkflowListQuery[] queries =
        [
            new(null, null, null, null, 3, null),
            new(WorkflowStatus.Completed, null, null, null, 10, null),
            new(null, "Alpha", null, null, 2, null),
            new(null, null, TestTimes.Start.AddMinutes(10), TestTimes.Start.AddMinutes(51), 10, null),
            new(WorkflowStatus.Pending, "Alpha", TestTimes.Start, null, 1, null),
        ];

        foreach (var first in queries)
        {
            var query = first;
            for (var pages = 0; pages < 10; pages++)
            {
                var expected = await Repository.ListAsync(query, CancellationToken.None);
                var actual = await Summaries.ListAsync(query, CancellationToken.None);

                Assert.That(actual.Workflows, Is.EqualTo(expected.Workflows.Select(ToSummary)), $"{query}");
                Assert.That(actual.Next, Is.EqualTo(expected.Next), $"{query}");
                if (actual.Next is null)
                {
                    break;
                }

                query = query with { After = actual.Next };
            }
        }
    }

    [Test]
    public async Task FindByIdempotencyKeyAsync_KeyOfAWorkflow_FindsItAndNothingForAnyOtherKey()
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        var created = await Repository.CreateOnceAsync(workflow, firstTask, new IdempotencyKey("Order-Key-1", new string('a', 64)), CancellationToken.None);
        Assert.That(created, Is.InstanceOf<IdempotentCreateResult.Created>());
        await new WorkflowBuilder().CreateAsync(Repository);

        var found = await Summaries.FindByIdempotencyKeyAsync("Order-Key-1", CancellationToken.None);
        var otherCase = await Summaries.FindByIdempotencyKeyAsync("order-key-1", CancellationToken.None);
        var unknown = await Summaries.FindByIdempotencyKeyAsync("Order-Key-2", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Is.EqualTo(ToSummary((await FindAsync(workflow.Id)).Workflow)));
            Assert.That(otherCase, Is.Null, "keys are compared exactly");
            Assert.That(unknown, Is.Null);
        }
    }

    [Test]
    public async Task FindAsync_Id_FindsThatWorkflowOrNothing()
    {
        var workflow = await new WorkflowBuilder().CreateAsync(Repository);

        var found = await Summaries.FindAsync(workflow.Id, CancellationToken.None);
        var unknown = await Summaries.FindAsync(WorkflowId.New(TestTimes.Start), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Is.EqualTo(ToSummary((await FindAsync(workflow.Id)).Workflow)));
            Assert.That(unknown, Is.Null);
        }
    }

    private static WorkflowSummary ToSummary(WorkflowView view) =>
        new(view.Id, view.WorkflowName, view.Status, view.CreatedAt, view.UpdatedAt);
}
