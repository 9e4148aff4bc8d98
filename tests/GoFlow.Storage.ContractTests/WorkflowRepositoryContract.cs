using GoFlow.Domain;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Storage.ContractTests;

/// <summary>
/// <see cref="GoFlow.Ports.Driven.IWorkflowRepository"/>: creating a workflow with its first task and reading it and its
/// activity back. Subclass it and implement <see cref="StorageContract.CreateStorageAsync"/>.
/// </summary>
public abstract class WorkflowRepositoryContract : StorageContract
{
    [Test]
    public async Task FindAsync_AfterCreate_ReturnsTheWorkflowAndItsFirstTaskAsStored()
    {
        var workflow = await new WorkflowBuilder().WithInput("""{"order_id":"A-7","amount":12.5}""").CreateAsync(Repository);

        var found = await Repository.FindAsync(workflow.Id, CancellationToken.None);

        Assert.That(found, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(found!.Workflow.Id, Is.EqualTo(workflow.Id));
            Assert.That(found.Workflow.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(found.Workflow.Status, Is.EqualTo(WorkflowStatus.Pending));
            Assert.That(SameJson("""{"order_id":"A-7","amount":12.5}""", found.Workflow.CurrentInput), Is.True);
            Assert.That(found.Workflow.CreatedAt, Is.EqualTo(TestTimes.Start), "times keep their microseconds");
            Assert.That(found.Workflow.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero), "times are UTC");
            Assert.That(found.Workflow.UpdatedAt, Is.EqualTo(TestTimes.Start));
            Assert.That(found.Tasks, Has.Count.EqualTo(1));
        }

        var task = found.Tasks[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.StepIndex, Is.Zero);
            Assert.That(task.TaskName, Is.EqualTo("ValidateOrder"));
            Assert.That(task.Status, Is.EqualTo(WorkflowTaskStatus.Pending));
            Assert.That(task.Attempt, Is.Zero);
            Assert.That(task.MaxAttempts, Is.EqualTo(TaskPolicy.Default.MaxAttempts));
            Assert.That(task.ScheduledAt, Is.EqualTo(TestTimes.Start), "due as soon as it exists");
            Assert.That(SameJson("""{"order_id":"A-7","amount":12.5}""", task.InputPayload), Is.True);
            Assert.That(task.OutputPayload, Is.Null);
            Assert.That(task.Error, Is.Null);
            Assert.That(task.CreatedAt, Is.EqualTo(TestTimes.Start));
            Assert.That(task.UpdatedAt, Is.EqualTo(TestTimes.Start));
            Assert.That(await Storage.ReadLeaseAsync(task.Id), Is.Null);
        }
    }

    [Test]
    public async Task FindAsync_FirstStepWithItsOwnMaxAttempts_ReturnsThem()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(7, 1, 1).CreateAsync(Repository);

        var task = await TaskAsync(workflow.Id);

        Assert.That(task.MaxAttempts, Is.EqualTo(7));
    }

    [Test]
    public async Task FindAsync_PayloadWithQuotesUnicodeMarkupAndSql_ReturnsEveryStringExactly()
    {
        const string hostile = """
            {"note":"He said \"hi\" \\ back","unicode":"ünïcødé 日本語 🚀","html":"<script>alert('x')</script>",
             "sql":"'; DROP TABLE workflow_instances; --","nested":{"list":[1,"two",null,true]}}
            """;
        var workflow = await new WorkflowBuilder().WithInput(hostile).CreateAsync(Repository);

        var found = await FindAsync(workflow.Id);

        var current = ParseJson(found.Workflow.CurrentInput);
        var input = ParseJson(found.Tasks[0].InputPayload);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SameJson(hostile, found.Workflow.CurrentInput), Is.True, found.Workflow.CurrentInput);
            Assert.That(SameJson(hostile, found.Tasks[0].InputPayload), Is.True, found.Tasks[0].InputPayload);
            foreach (var (name, expected) in new[]
            {
                ("note", "He said \"hi\" \\ back"),
                ("unicode", "ünïcødé 日本語 🚀"),
                ("html", "<script>alert('x')</script>"),
                ("sql", "'; DROP TABLE workflow_instances; --"),
            })
            {
                // Ordinal comparison: every character, byte for byte once encoded.
                Assert.That(current.GetProperty(name).GetString(), Is.EqualTo(expected).Using(StringComparer.Ordinal), name);
                Assert.That(input.GetProperty(name).GetString(), Is.EqualTo(expected).Using(StringComparer.Ordinal), name);
            }

            Assert.That(await Repository.FindAsync(workflow.Id, CancellationToken.None), Is.Not.Null, "nothing was dropped");
        }
    }

    [Test]
    public async Task FindAsync_UnknownId_ReturnsNull()
    {
        await new WorkflowBuilder().CreateAsync(Repository);

        var found = await Repository.FindAsync(WorkflowId.New(TestTimes.Start), CancellationToken.None);

        Assert.That(found, Is.Null);
    }

    [Test]
    public async Task FindAsync_TwoWorkflows_ReturnsOnlyTheOneAsked()
    {
        var first = await new WorkflowBuilder().WithInput("""{"n":1}""").CreateAsync(Repository);
        var second = await new WorkflowBuilder().WithInput("""{"n":2}""").CreateAsync(Repository);

        var found = await FindAsync(second.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Workflow.Id, Is.EqualTo(second.Id));
            Assert.That(found.Tasks, Has.Count.EqualTo(1));
            Assert.That(SameJson("""{"n":2}""", found.Tasks[0].InputPayload), Is.True);
            Assert.That((await FindAsync(first.Id)).Tasks[0].Id, Is.Not.EqualTo(found.Tasks[0].Id));
        }
    }

    [Test]
    public async Task GetActivityAsync_UnknownId_ReturnsNull()
    {
        await new WorkflowBuilder().CreateAsync(Repository);

        var activity = await Repository.GetActivityAsync(WorkflowId.New(TestTimes.Start), CancellationToken.None);

        Assert.That(activity, Is.Null);
    }

    [Test]
    public async Task GetActivityAsync_NewWorkflow_ReturnsOnlyItsWorkflowCreatedRow()
    {
        var workflow = await new WorkflowBuilder().Named("UserOnboarding").WithTasks("CreateAccount").CreateAsync(Repository);
        await new WorkflowBuilder().CreateAsync(Repository);

        var activity = await ActivityAsync(workflow.Id);

        Assert.That(activity, Has.Count.EqualTo(1));
        var created = activity[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.WorkflowId, Is.EqualTo(workflow.Id));
            Assert.That(created.Action, Is.EqualTo(ActivityAction.WorkflowCreated));
            Assert.That(created.TaskId, Is.Null);
            Assert.That(SameJson(ActivityDetails.ForWorkflow("UserOnboarding"), created.Details), Is.True, created.Details);
            Assert.That(created.CreatedAt, Is.EqualTo(TestTimes.Start));
        }
    }
}
