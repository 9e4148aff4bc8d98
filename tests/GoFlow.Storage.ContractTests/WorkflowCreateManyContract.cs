using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="IWorkflowRepository.CreateManyAsync"/>: many new workflows in one transaction, each stored as
/// a single start is (its first task PENDING, its WORKFLOW_CREATED row), all of
/// them or, when the call throws, none. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowCreateManyContract : StorageContract
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>The most workflows the application's group commit hands the store in one call.</summary>
    private const int LargestGroup = 200;

    [Test]
    public async Task CreateManyAsync_WorkflowsOfDifferentDefinitions_StoresEachWithItsFirstTaskPending()
    {
        var group = ThreeDifferentWorkflows();

        await Repository.CreateManyAsync(group.Select(entry => entry.New).ToList(), CancellationToken.None);

        foreach (var (created, firstStep, maxAttempts) in group)
        {
            var workflow = created.Workflow;
            var found = await FindAsync(workflow.Id);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(found.Workflow.WorkflowName, Is.EqualTo(workflow.WorkflowName));
                Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
                Assert.That(SameJson(workflow.CurrentInput, found.Workflow.CurrentInput), Is.True, found.Workflow.CurrentInput);
                Assert.That(found.Workflow.CreatedAt, Is.EqualTo(workflow.CreatedAt), "times keep their microseconds");
                Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(workflow.CreatedAt));
                Assert.That(found.Tasks, Has.Count.EqualTo(1), workflow.WorkflowName);
            }

            var task = found.Tasks[0];
            using (Assert.EnterMultipleScope())
            {
                Assert.That(task.StepIndex, Is.Zero);
                Assert.That(task.TaskName, Is.EqualTo(firstStep));
                Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
                Assert.That(task.Attempt, Is.Zero);
                Assert.That(task.MaxAttempts, Is.EqualTo(maxAttempts));
                Assert.That(task.ScheduledAt, Is.EqualTo(workflow.CreatedAt), "due as soon as it exists");
                Assert.That(SameJson(workflow.CurrentInput, task.InputPayload), Is.True, task.InputPayload);
                Assert.That(task.CreatedAt, Is.EqualTo(workflow.CreatedAt));
                Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null);
            }
        }
    }

    [Test]
    public async Task CreateManyAsync_WorkflowsOfDifferentDefinitions_WritesEachItsOwnWorkflowCreatedRow()
    {
        var group = ThreeDifferentWorkflows();

        await Repository.CreateManyAsync(group.Select(entry => entry.New).ToList(), CancellationToken.None);

        foreach (var workflow in group.Select(entry => entry.New.Workflow))
        {
            var activity = await ActivityAsync(workflow.Id);
            Assert.That(activity, Has.Count.EqualTo(1), workflow.WorkflowName);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(activity[0].WorkflowId, Is.EqualTo(workflow.Id));
                Assert.That(activity[0].Action, Is.EqualTo(ActivityAction.WorkflowCreated));
                Assert.That(activity[0].TaskId, Is.Null);
                Assert.That(SameJson(ActivityDetails.ForWorkflow(workflow.WorkflowName), activity[0].Details), Is.True,
                    activity[0].Details);
                Assert.That(activity[0].CreatedAt, Is.EqualTo(workflow.CreatedAt));
            }
        }
    }

    [Test]
    public async Task CreateManyAsync_WorkflowsOfDifferentDefinitions_ListsThemNewestFirstAsStored()
    {
        var group = ThreeDifferentWorkflows();

        await Repository.CreateManyAsync(group.Select(entry => entry.New).ToList(), CancellationToken.None);

        var page = await Repository.ListAsync(new WorkflowListQuery(null, null, null, null, 10, null), CancellationToken.None);
        var expected = group.Select(entry => entry.New.Workflow).OrderByDescending(workflow => workflow.CreatedAt).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Workflows.Select(workflow => workflow.Id), Is.EqualTo(expected.Select(workflow => workflow.Id)));
            Assert.That(page.Workflows.Select(workflow => workflow.WorkflowName),
                Is.EqualTo(expected.Select(workflow => workflow.WorkflowName)));
            Assert.That(page.Workflows.Select(workflow => workflow.Status), Is.All.EqualTo(WorkflowStatus.Pending));
            Assert.That(page.Next, Is.Null);
        }
    }

    [Test]
    public async Task CreateManyAsync_WorkflowsOfDifferentDefinitions_TheirFirstTasksAreClaimable()
    {
        var group = ThreeDifferentWorkflows();
        await Repository.CreateManyAsync(group.Select(entry => entry.New).ToList(), CancellationToken.None);

        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().UpTo(10).At(TestTimes.Start.AddMinutes(1)).Build(), CancellationToken.None);

        Assert.That(claimed.Select(task => task.WorkflowId),
            Is.EquivalentTo(group.Select(entry => entry.New.Workflow.Id)), "each workflow's first task, once");
        foreach (var (created, firstStep, maxAttempts) in group)
        {
            var task = claimed.Single(task => task.WorkflowId == created.Workflow.Id);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(task.WorkflowName, Is.EqualTo(created.Workflow.WorkflowName));
                Assert.That(task.StepIndex, Is.Zero);
                Assert.That(task.TaskName, Is.EqualTo(firstStep));
                Assert.That(SameJson(created.Workflow.CurrentInput, task.InputPayload), Is.True, task.InputPayload);
                Assert.That(task.Attempt, Is.EqualTo(1));
                Assert.That(task.MaxAttempts, Is.EqualTo(maxAttempts));
                Assert.That(task.TraceParent, Is.EqualTo(created.Workflow.TraceParent), "the trace is kept per workflow");
                Assert.That((await FindAsync(created.Workflow.Id)).Workflow.Status, Is.EqualTo(WorkflowStatus.Running));
            }
        }
    }

    [Test]
    public async Task CreateManyAsync_AsManyAsTheGroupCommitHolds_StoresEachFirstTaskWithItsOwnWorkflow()
    {
        // Inputs, names and times differ per workflow, so a task or row written under another workflow's values shows.
        var group = Enumerable.Range(0, LargestGroup)
            .Select(i =>
            {
                var (workflow, firstTask) = new WorkflowBuilder()
                    .Named(i % 2 == 0 ? "OrderProcess" : "UserOnboarding")
                    .WithTasks(i % 2 == 0 ? "ValidateOrder" : "CreateAccount", "Next")
                    .WithInput($$"""{"n":{{i}}}""")
                    .CreatedAt(TestTimes.Start.AddMilliseconds(i))
                    .Build();
                return new NewWorkflow(workflow, firstTask);
            })
            .ToList();

        await Repository.CreateManyAsync(group, CancellationToken.None);

        var claimed = await Queue.ClaimAsync(
            new ClaimBuilder().UpTo(LargestGroup + 1).At(TestTimes.Start.AddMinutes(1)).Build(), CancellationToken.None);
        var page = await Repository.ListAsync(
            new WorkflowListQuery(null, null, null, null, LargestGroup + 1, null), CancellationToken.None);
        var byWorkflow = claimed.ToDictionary(task => task.WorkflowId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Workflows, Has.Count.EqualTo(LargestGroup));
            Assert.That(claimed, Has.Count.EqualTo(LargestGroup));
            foreach (var (workflow, firstTask) in group)
            {
                Assert.That(byWorkflow.TryGetValue(workflow.Id, out var task), Is.True, $"{workflow.Id} has its first task");
                Assert.That(task?.TaskName, Is.EqualTo(firstTask.TaskName));
                Assert.That(task is not null && SameJson(workflow.CurrentInput, task.InputPayload), Is.True, task?.InputPayload);
                Assert.That(task?.ScheduledAt, Is.EqualTo(workflow.CreatedAt));
            }

            foreach (var workflow in group.Select(entry => entry.Workflow).Take(3).Concat(group.Select(entry => entry.Workflow).TakeLast(3)))
            {
                var activity = await ActivityAsync(workflow.Id);
                Assert.That(activity.Select(entry => entry.Action),
                    Is.EqualTo(new[] { ActivityAction.WorkflowCreated, ActivityAction.TaskStarted }));
                Assert.That(activity[0].CreatedAt, Is.EqualTo(workflow.CreatedAt));
                Assert.That(SameJson(ActivityDetails.ForWorkflow(workflow.WorkflowName), activity[0].Details), Is.True);
            }
        }
    }

    [Test]
    public async Task CreateManyAsync_EmptyList_StoresNothing()
    {
        await new WorkflowBuilder().CreateAsync(Repository);
        var before = await SnapshotAsync();

        await Repository.CreateManyAsync([], CancellationToken.None);

        Assert.That(await SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task CreateManyAsync_OneIdAlreadyStored_ThrowsAndStoresNoneOfTheList()
    {
        var (existing, existingTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(existing, existingTask)], CancellationToken.None);
        var before = await SnapshotAsync();
        var (first, firstTask) = new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount").Build();
        var (last, lastTask) = new WorkflowBuilder().CreatedAt(TestTimes.Start.AddSeconds(1)).Build();

        // The taken id sits between two new ones: a store writing them one at a time would keep the first.
        NewWorkflow[] list =
        [
            new(first, firstTask),
            new(existing, existingTask),
            new(last, lastTask),
        ];

        var refusal = Assert.CatchAsync(async () => await Repository.CreateManyAsync(list, CancellationToken.None));
        Assert.That(refusal, Is.Not.InstanceOf<StoreUnavailableException>(), "a refused list is no outage");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Repository.FindAsync(first.Id, CancellationToken.None), Is.Null);
            Assert.That(await Repository.FindAsync(last.Id, CancellationToken.None), Is.Null);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "nothing was written");
        }
    }

    [Test]
    public async Task CreateManyAsync_SameWorkflowTwiceInTheList_ThrowsAndStoresNoneOfTheList()
    {
        await new WorkflowBuilder().CreatedAt(TestTimes.Start.AddMinutes(-1)).CreateAsync(Repository);
        var before = await SnapshotAsync();
        var (twice, twiceTask) = new WorkflowBuilder().Build();
        var (other, otherTask) = new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount").Build();
        NewWorkflow[] list =
        [
            new(twice, twiceTask),
            new(other, otherTask),
            new(twice, twiceTask),
        ];

        var refusal = Assert.CatchAsync(async () => await Repository.CreateManyAsync(list, CancellationToken.None));
        Assert.That(refusal, Is.Not.InstanceOf<StoreUnavailableException>(), "a refused list is no outage");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Repository.FindAsync(twice.Id, CancellationToken.None), Is.Null);
            Assert.That(await Repository.FindAsync(other.Id, CancellationToken.None), Is.Null);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "nothing was written");
        }
    }

    [Test]
    public async Task CreateManyAsync_AfterARefusedList_StoresTheNextList()
    {
        var (existing, existingTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(existing, existingTask)], CancellationToken.None);
        var (refused, refusedTask) = new WorkflowBuilder().Build();
        Assert.That(async () => await Repository.CreateManyAsync(
                [new(refused, refusedTask), new(existing, existingTask)], CancellationToken.None),
            Throws.Exception);

        // What the group commit does next: each workflow of the refused group, alone.
        await Repository.CreateManyAsync([new(refused, refusedTask)], CancellationToken.None);

        Assert.That(await ActionsOfAsync(refused.Id), Is.EqualTo(new[] { ActivityAction.WorkflowCreated }));
    }

    /// <summary>
    /// Three workflows of three definitions with their own inputs, policies, times and traces, in an order that is not
    /// their creation order; with each, the name of its first step and its max attempts.
    /// </summary>
    private static List<(NewWorkflow New, string FirstStep, int MaxAttempts)> ThreeDifferentWorkflows() =>
    [
        Entry(new WorkflowBuilder().WithInput("""{"order_id":"A-1","amount":42}""").CreatedAt(TestTimes.Start.AddSeconds(2)),
            "ValidateOrder", TaskPolicy.Default.MaxAttempts),
        Entry(new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount", "SendWelcomeEmail")
                .WithMaxAttempts(7, 1).WithInput("""{"user":"ada","note":"ünïcødé 🚀"}""").InTrace(TraceParent),
            "CreateAccount", 7),
        Entry(new WorkflowBuilder().Named("Single").WithTasks("Only").WithMaxAttempts(2).WithInput("{}")
                .CreatedAt(TestTimes.Start.AddSeconds(1)),
            "Only", 2),
    ];

    private static (NewWorkflow New, string FirstStep, int MaxAttempts) Entry(
        WorkflowBuilder builder, string firstStep, int maxAttempts)
    {
        var (workflow, firstTask) = builder.Build();
        return (new NewWorkflow(workflow, firstTask), firstStep, maxAttempts);
    }
}
