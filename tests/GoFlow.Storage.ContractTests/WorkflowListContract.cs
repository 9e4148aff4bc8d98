using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRepository.ListAsync"/>: workflows newest first, by creation time and then by id (in the order of
/// the id's 36-character text, the order both stores keep it in), filtered, in keyset pages that neither repeat nor skip
/// a workflow, even while newer workflows arrive. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowListContract : StorageContract
{
    [Test]
    public async Task ListAsync_EmptyStore_ReturnsAnEmptyPageWithoutNext()
    {
        var page = await ListAsync(Query(limit: 10));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Workflows, Is.Empty);
            Assert.That(page.Next, Is.Null);
        }
    }

    [Test]
    public async Task ListAsync_NoFilter_ReturnsWorkflowsNewestFirstAsStored()
    {
        // Created out of order, so that insertion order and creation order differ.
        var minutes = new[] { 3, 1, 4, 0, 2 };
        var created = new List<WorkflowInstance>();
        foreach (var minute in minutes)
        {
            created.Add(await new WorkflowBuilder().WithInput($$"""{"n":{{minute}}}""").CreatedAt(TestTimes.Start.AddMinutes(minute))
                .CreateAsync(Repository));
        }

        var page = await ListAsync(Query(limit: 10));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Workflows.Select(workflow => workflow.Id),
                Is.EqualTo(created.OrderByDescending(workflow => workflow.CreatedAt).Select(workflow => workflow.Id)));
            Assert.That(page.Next, Is.Null, "everything fit on the page");
            foreach (var listed in page.Workflows)
            {
                var stored = (await FindAsync(listed.Id)).Workflow;
                Assert.That(listed with { CurrentInput = stored.CurrentInput }, Is.EqualTo(stored), "the list shows the stored workflow");
                Assert.That(SameJson(stored.CurrentInput, listed.CurrentInput), Is.True);
            }
        }
    }

    [Test]
    public async Task ListAsync_WorkflowsCreatedInTheSameMicrosecond_OrdersThemByIdDescending()
    {
        var ids = new List<WorkflowId>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await new WorkflowBuilder().CreatedAt(TestTimes.Start).CreateAsync(Repository)).Id);
        }

        var page = await ListAsync(Query(limit: 10));

        Assert.That(page.Workflows.Select(workflow => workflow.Id), Is.EqualTo(NewestFirst(ids.Select(id => (TestTimes.Start, id)))));
    }

    [Test]
    public async Task ListAsync_ManyPages_ReturnsEveryWorkflowOnceInOrder()
    {
        // 53 workflows, three to a microsecond, so that page boundaries fall inside groups of equal creation times.
        var expected = await CreateManyAsync(53, perInstant: 3);

        var pages = await ReadAllPagesAsync(Query(limit: 10));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages.Select(page => page.Workflows.Count), Is.EqualTo(new[] { 10, 10, 10, 10, 10, 3 }));
            Assert.That(pages.SelectMany(page => page.Workflows).Select(workflow => workflow.Id), Is.EqualTo(expected),
                "every workflow once, newest first, none skipped");
            Assert.That(pages[..^1].Select(page => page.Next), Is.All.Not.Null);
            Assert.That(pages[^1].Next, Is.Null);
        }
    }

    [Test]
    public async Task ListAsync_LastPageExactlyFull_HasNoNext()
    {
        var expected = await CreateManyAsync(20, perInstant: 1);

        var pages = await ReadAllPagesAsync(Query(limit: 10));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages, Has.Count.EqualTo(2), "no empty page after a full last one");
            Assert.That(pages[1].Next, Is.Null);
            Assert.That(pages.SelectMany(page => page.Workflows).Select(workflow => workflow.Id), Is.EqualTo(expected));
        }
    }

    [Test]
    public async Task ListAsync_Next_IsThePositionOfTheLastWorkflowOnThePage()
    {
        await CreateManyAsync(5, perInstant: 2);

        var page = await ListAsync(Query(limit: 3));

        Assert.That(page.Next, Is.EqualTo(new WorkflowListPosition(page.Workflows[^1].CreatedAt, page.Workflows[^1].Id)));
    }

    [Test]
    public async Task ListAsync_NewerWorkflowsCreatedBetweenPages_ContinuesWithoutRepeatingOrSkipping()
    {
        var expected = await CreateManyAsync(25, perInstant: 2);
        var first = await ListAsync(Query(limit: 10));
        // Newer workflows arrive while the client reads: they belong before the first page, not in the pages still to come.
        for (var i = 0; i < 7; i++)
        {
            await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddHours(1).AddTicks(i * 10)).CreateAsync(Repository);
        }

        var rest = await ReadAllPagesAsync(Query(limit: 10) with { After = first.Next });
        var read = first.Workflows.Concat(rest.SelectMany(page => page.Workflows)).Select(workflow => workflow.Id).ToList();

        Assert.That(read, Is.EqualTo(expected));
    }

    [Test]
    public async Task ListAsync_ByStatus_ReturnsOnlyWorkflowsWithThatStatus()
    {
        // One workflow of each finished status, older than one PENDING and one RUNNING (ClaimTaskOfAsync needs the RUNNING
        // one's task to be the only one due).
        var completed = await CreateFinishedAsync(WorkflowStatus.Completed, TestTimes.Start.AddMinutes(1), TestTimes.Start);
        var failed = await CreateFinishedAsync(WorkflowStatus.Failed, TestTimes.Start.AddMinutes(2), TestTimes.Start.AddMinutes(1));
        var cancelled = await CreateFinishedAsync(WorkflowStatus.Cancelled, TestTimes.Start.AddMinutes(3), TestTimes.Start.AddMinutes(2));
        var running = (await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(3)).CreateAsync(Repository)).Id;
        await ClaimTaskOfAsync(running, TestTimes.Start.AddMinutes(3));
        var pending = (await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(4)).CreateAsync(Repository)).Id;
        var secondFailed = await CreateFinishedAsync(WorkflowStatus.Failed, TestTimes.Start.AddMinutes(3), TestTimes.Start.AddMinutes(2).AddSeconds(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await IdsAsync(Query(status: WorkflowStatus.Pending)), Is.EqualTo(new[] { pending }));
            Assert.That(await IdsAsync(Query(status: WorkflowStatus.Running)), Is.EqualTo(new[] { running }));
            Assert.That(await IdsAsync(Query(status: WorkflowStatus.Completed)), Is.EqualTo(new[] { completed }));
            Assert.That(await IdsAsync(Query(status: WorkflowStatus.Failed)), Is.EqualTo(new[] { secondFailed, failed }));
            Assert.That(await IdsAsync(Query(status: WorkflowStatus.Cancelled)), Is.EqualTo(new[] { cancelled }));
        }
    }

    [Test]
    public async Task ListAsync_ByWorkflowName_ReturnsOnlyWorkflowsOfThatName()
    {
        var orders = new List<WorkflowId>();
        for (var i = 0; i < 4; i++)
        {
            orders.Add((await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(i * 2)).CreateAsync(Repository)).Id);
            await new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount")
                .CreatedAt(TestTimes.Start.AddSeconds((i * 2) + 1)).CreateAsync(Repository);
        }

        var listed = await IdsAsync(Query(name: "OrderProcess"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listed, Is.EqualTo(Enumerable.Reverse(orders)));
            Assert.That(await IdsAsync(Query(name: "Unknown")), Is.Empty);
        }
    }

    [Test]
    public async Task ListAsync_CreatedAfterAndBefore_KeepOnlyWorkflowsStrictlyBetween()
    {
        var ids = new List<WorkflowId>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(i)).CreateAsync(Repository)).Id);
        }

        var between = await IdsAsync(Query(
            createdAfter: TestTimes.Start.AddSeconds(1), createdBefore: TestTimes.Start.AddSeconds(4)));
        var after = await IdsAsync(Query(createdAfter: TestTimes.Start.AddSeconds(4)));
        var before = await IdsAsync(Query(createdBefore: TestTimes.Start.AddSeconds(1)));
        var aMicrosecondWider = await IdsAsync(Query(
            createdAfter: TestTimes.Start.AddSeconds(1) - TestTimes.Microsecond,
            createdBefore: TestTimes.Start.AddSeconds(4) + TestTimes.Microsecond));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(between, Is.EqualTo(new[] { ids[3], ids[2] }), "both bounds are exclusive");
            Assert.That(after, Is.EqualTo(new[] { ids[5] }));
            Assert.That(before, Is.EqualTo(new[] { ids[0] }));
            Assert.That(aMicrosecondWider, Is.EqualTo(new[] { ids[4], ids[3], ids[2], ids[1] }));
        }
    }

    [Test]
    public async Task ListAsync_PositionNotBeforeCreatedBefore_ReturnsEveryWorkflowCreatedBeforeIt()
    {
        // A position from another query, later than created_before: every workflow before created_before comes after it.
        var ids = new List<WorkflowId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(i)).CreateAsync(Repository)).Id);
        }

        var listed = await IdsAsync(Query(createdBefore: TestTimes.Start.AddSeconds(3)) with
        {
            After = new WorkflowListPosition(TestTimes.Start.AddSeconds(4), ids[4]),
        });

        Assert.That(listed, Is.EqualTo(new[] { ids[2], ids[1], ids[0] }));
    }

    [Test]
    public async Task ListAsync_FiltersCombinedOverManyPages_ReturnsTheWorkflowsMatchingAllOfThemOnce()
    {
        // Four kinds, interleaved in time: OrderProcess or UserOnboarding, PENDING or CANCELLED.
        var expected = new List<(DateTimeOffset CreatedAt, WorkflowId Id)>();
        for (var i = 0; i < 40; i++)
        {
            var createdAt = TestTimes.Start.AddSeconds(i / 2);
            var builder = i % 4 < 2
                ? new WorkflowBuilder()
                : new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount");
            var workflow = await builder.CreatedAt(createdAt).CreateAsync(Repository);
            if (i % 2 == 1)
            {
                await Repository.CancelAsync(workflow.Id, createdAt.AddMinutes(1), CancellationToken.None);
            }

            if (i % 4 == 1 && createdAt > TestTimes.Start.AddSeconds(2) && createdAt < TestTimes.Start.AddSeconds(17))
            {
                expected.Add((createdAt, workflow.Id));
            }
        }

        var pages = await ReadAllPagesAsync(new WorkflowListQuery(
            WorkflowStatus.Cancelled, "OrderProcess", TestTimes.Start.AddSeconds(2), TestTimes.Start.AddSeconds(17), 2, After: null));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expected, Has.Count.EqualTo(7), "the test's own arithmetic");
            Assert.That(pages.SelectMany(page => page.Workflows).Select(workflow => workflow.Id), Is.EqualTo(NewestFirst(expected)));
            Assert.That(pages.SelectMany(page => page.Workflows),
                Has.All.Matches<WorkflowView>(workflow => workflow.Status == WorkflowStatus.Cancelled && workflow.WorkflowName == "OrderProcess"));
            Assert.That(pages, Has.Count.EqualTo(4));
        }
    }

    /// <summary>
    /// Creates <paramref name="count"/> workflows, <paramref name="perInstant"/> to each creation time, a second apart,
    /// and returns their ids in the order the list must return them.
    /// </summary>
    private async Task<IReadOnlyList<WorkflowId>> CreateManyAsync(int count, int perInstant)
    {
        var created = new List<(DateTimeOffset, WorkflowId)>();
        for (var i = 0; i < count; i++)
        {
            var createdAt = TestTimes.Start.AddSeconds(i / perInstant);
            created.Add((createdAt, (await new WorkflowBuilder().CreatedAt(createdAt).CreateAsync(Repository)).Id));
        }

        return NewestFirst(created);
    }

    /// <summary>The list's order: creation time descending, then id descending as the id's text sorts.</summary>
    private static IReadOnlyList<WorkflowId> NewestFirst(IEnumerable<(DateTimeOffset CreatedAt, WorkflowId Id)> workflows) =>
    [
        .. workflows
            .OrderByDescending(workflow => workflow.CreatedAt)
            .ThenByDescending(workflow => workflow.Id.ToString(), StringComparer.Ordinal)
            .Select(workflow => workflow.Id),
    ];

    private static WorkflowListQuery Query(
        WorkflowStatus? status = null,
        string? name = null,
        DateTimeOffset? createdAfter = null,
        DateTimeOffset? createdBefore = null,
        int limit = 100) =>
        new(status, name, createdAfter, createdBefore, limit, After: null);

    private Task<WorkflowPage> ListAsync(WorkflowListQuery query) => Repository.ListAsync(query, CancellationToken.None);

    private async Task<IReadOnlyList<WorkflowId>> IdsAsync(WorkflowListQuery query) =>
        [.. (await ReadAllPagesAsync(query)).SelectMany(page => page.Workflows).Select(workflow => workflow.Id)];

    /// <summary>Reads page after page, following <see cref="WorkflowPage.Next"/> until it is null.</summary>
    private async Task<List<WorkflowPage>> ReadAllPagesAsync(WorkflowListQuery query)
    {
        var pages = new List<WorkflowPage>();
        var next = query;
        while (true)
        {
            var page = await ListAsync(next);
            pages.Add(page);
            if (page.Next is null)
            {
                return pages;
            }

            Assert.That(pages, Has.Count.LessThan(1000), "the pages never end");
            next = query with { After = page.Next };
        }
    }
}
