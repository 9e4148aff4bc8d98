using GoFlow.Adapters.MySql.Tests.Builders;
using GoFlow.Domain;

namespace GoFlow.Adapters.MySql.Tests;

internal sealed class MySqlWorkflowRepositoryTests : MySqlDatabaseFixture
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
            Assert.That(found.Workflow.CreatedAt, Is.EqualTo(TestTimes.Start), "DATETIME(6) keeps microseconds");
            Assert.That(found.Workflow.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
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
            Assert.That(SameJson("""{"order_id":"A-7","amount":12.5}""", task.InputPayload), Is.True);
            Assert.That(task.OutputPayload, Is.Null);
            Assert.That(task.Error, Is.Null);
            Assert.That(task.CreatedAt, Is.EqualTo(TestTimes.Start));
        }
    }

    [Test]
    public async Task FindAsync_PayloadWithQuotesUnicodeMarkupAndSql_ReturnsItAsGiven()
    {
        const string hostile = """
            {"note":"He said \"hi\" \\ back","unicode":"ünïcødé 日本語 🚀","html":"<script>alert('x')</script>",
             "sql":"'; DROP TABLE workflow_instances; --","nested":{"list":[1,"two",null,true]}}
            """;
        var workflow = await new WorkflowBuilder().WithInput(hostile).CreateAsync(Repository);

        var found = await Repository.FindAsync(workflow.Id, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SameJson(hostile, found!.Workflow.CurrentInput), Is.True, found.Workflow.CurrentInput);
            Assert.That(SameJson(hostile, found.Tasks[0].InputPayload), Is.True, found.Tasks[0].InputPayload);
            Assert.That(ParseJson(found.Workflow.CurrentInput).GetProperty("sql").GetString(),
                Is.EqualTo("'; DROP TABLE workflow_instances; --"));
            Assert.That(await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(1));
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

        var activity = await Repository.GetActivityAsync(workflow.Id, CancellationToken.None);

        Assert.That(activity, Has.Count.EqualTo(1));
        var created = activity![0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.WorkflowId, Is.EqualTo(workflow.Id));
            Assert.That(created.Action, Is.EqualTo(ActivityAction.WorkflowCreated));
            Assert.That(created.TaskId, Is.Null);
            Assert.That(SameJson(ActivityDetails.ForWorkflow("UserOnboarding"), created.Details!), Is.True, created.Details);
            Assert.That(created.CreatedAt, Is.EqualTo(TestTimes.Start));
        }
    }

    [Test]
    public async Task CreateAsync_FirstTaskCannotBeStored_StoresNothing()
    {
        var builder = new WorkflowBuilder();
        var (workflow, _) = builder.Build();
        // The workflow row is valid and goes in first; the task's input is not JSON, which the JSON column refuses.
        var brokenTask = WorkflowTask.Create(workflow.Id, builder.Definition.FirstStep, "not json", TestTimes.Start);

        Assert.That(
            async () => await Repository.CreateAsync(workflow, brokenTask, CancellationToken.None),
            Throws.InstanceOf<MySqlConnector.MySqlException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Repository.FindAsync(workflow.Id, CancellationToken.None), Is.Null);
            Assert.That(await SnapshotAsync(), Is.Empty, "the transaction rolled back the workflow row too");
        }
    }
}
