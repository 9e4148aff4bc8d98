using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>What only the MySQL repository can show; the storage contract covers its behaviour.</summary>
internal sealed class MySqlWorkflowRepositoryTests : MySqlDatabaseFixture
{
    [Test]
    public async Task CreateManyAsync_FirstTaskCannotBeStored_StoresNothingAndPassesTheErrorOn()
    {
        var builder = new WorkflowBuilder();
        var (workflow, _) = builder.Build();
        // The workflow row is valid and goes in first; the task's input is not JSON, which the JSON column refuses.
        var brokenTask = WorkflowTask.Create(workflow.Id, builder.Definition.FirstStep, "not json", TestTimes.Start);

        // A statement the server refuses is a bug, not an outage: it is not turned into StoreUnavailableException.
        Assert.That(
            async () => await Storage.Repository.CreateManyAsync([new NewWorkflow(workflow, brokenTask)], CancellationToken.None),
            Throws.InstanceOf<MySqlConnector.MySqlException>());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Storage.Repository.FindAsync(workflow.Id, CancellationToken.None), Is.Null);
            Assert.That(await Storage.SnapshotAsync(), Is.Empty, "the transaction rolled back the workflow row too");
        }
    }

    [Test]
    public async Task CreateManyAsync_FirstTaskCannotBeStoredOnAPoolThatKeepsSessions_LeavesNoTransactionForTheNextWrite()
    {
        // One pooled connection, not reset when it is taken again: whatever the failed group left open on it, the next
        // group meets. Its begin would commit a transaction left open (the server ends one before starting another).
        var connectionString = new MySqlConnector.MySqlConnectionStringBuilder(Database.ConnectionString) { ConnectionReset = false }.ConnectionString;
        await using var dataSource = MySqlConnectionSettings.CreateDataSource(
            new MySqlOptions { ConnectionString = connectionString, MaxOpenConnections = 1 });
        await using var heldConnections = new HeldConnections(dataSource, new MySqlOptions { MaxOpenConnections = 1 });
        var repository = new MySqlWorkflowRepository(dataSource, heldConnections);
        var builder = new WorkflowBuilder();
        var (workflow, _) = builder.Build();
        var brokenTask = WorkflowTask.Create(workflow.Id, builder.Definition.FirstStep, "not json", TestTimes.Start);
        Assert.That(
            async () => await repository.CreateManyAsync([new NewWorkflow(workflow, brokenTask)], CancellationToken.None),
            Throws.InstanceOf<MySqlConnector.MySqlException>());

        var next = await new WorkflowBuilder().CreateAsync(repository);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Storage.Repository.FindAsync(workflow.Id, CancellationToken.None), Is.Null, "the failed group's workflow row");
            Assert.That(await Storage.Repository.FindAsync(next.Id, CancellationToken.None), Is.Not.Null, "the next group");
        }
    }

    [Test]
    public async Task CreateManyAsync_Workflow_StoresTheFirstTasksMaxAttemptsInItsColumn()
    {
        var workflow = await new WorkflowBuilder().WithMaxAttempts(6, 2, 2).CreateAsync(Storage.Repository);

        var stored = await Database.ExecuteScalarAsync<int>(
            "SELECT max_attempts FROM tasks WHERE workflow_instance_id = @Id", new { Id = workflow.Id.ToString() });

        Assert.That(stored, Is.EqualTo(6));
    }
}
