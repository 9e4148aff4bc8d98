using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>A batch of activity rows is stored as the rows it was given, in their order, at the sizes around one INSERT's 32 rows.</summary>
internal sealed class ActivityLogTests : SqliteFileFixture
{
    [TestCase(1)]
    [TestCase(32)]
    [TestCase(33)]
    [TestCase(70)]
    public async Task Append_Rows_AreStoredInTheirOrderWithTheirValues(int count)
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        var start = new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, count)
            .Select(i => new NewActivity(
                workflow.Id, i % 2 == 0 ? new TaskId(1000 + i) : null, $"TEST_{i}", $"row {i}", start.AddTicks(i * 10)))
            .ToList();

        await Database.WriteAsync(
            async (_, transaction) =>
            {
                Database.Append(transaction, rows);
                await transaction.CommitAsync(CancellationToken.None);
                return true;
            },
            CancellationToken.None);

        var stored = await File.QueryAsync<(string WorkflowId, long? TaskId, string Action, string Details, string CreatedAt)>(
            "SELECT workflow_instance_id, task_id, action, details, created_at FROM activity_logs WHERE action LIKE 'TEST_%' ORDER BY id");
        Assert.That(stored, Is.EqualTo(rows.Select(row => (
            SqliteIds.ToDatabase(row.WorkflowId), row.TaskId?.Value, row.Action, row.Details, SqliteTime.ToDatabase(row.CreatedAt)))));
    }
}
