using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>What the adapter writes into the file: times as sortable UTC text, ids as UUID text, payloads as given.</summary>
internal sealed class SqliteStoredFormTests : SqliteFileFixture
{
    [Test]
    public async Task CreateAsync_Payload_ReadsBackByteForByte()
    {
        // Whitespace, key order, escapes and numbers exactly as a client sent them; nothing is reformatted.
        const string payload = "{ \"z\" : 1.50,\n\t\"a\":[ 1 ,2 ], \"s\":\"caf\\u00e9 \\\"q\\\" 🚀\" }";
        var workflow = await new WorkflowBuilder().WithInput(payload).CreateAsync(Repository);

        var found = await Repository.FindAsync(workflow.Id, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found!.Workflow.CurrentInput, Is.EqualTo(payload).Using(StringComparer.Ordinal));
            Assert.That(found.Tasks[0].InputPayload, Is.EqualTo(payload).Using(StringComparer.Ordinal));
        }
    }

    [Test]
    public async Task CreateAsync_TimesAndIds_AreStoredAsUtcTextWithMicrosecondsAndUuidText()
    {
        var createdAt = new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567);
        var workflow = await new WorkflowBuilder().CreatedAt(createdAt).CreateAsync(Repository);

        var rows = await File.QueryAsync<(string Id, string CreatedAt, string TypeOfCreatedAt)>(
            "SELECT id, created_at, typeof(created_at) FROM workflow_instances");
        var taskRows = await File.QueryAsync<(string WorkflowInstanceId, string ScheduledAt)>(
            "SELECT workflow_instance_id, scheduled_at FROM tasks");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows.Single().Id, Is.EqualTo(workflow.Id.ToString()));
            Assert.That(rows.Single().CreatedAt, Is.EqualTo("2030-01-01T08:00:00.123456Z"));
            Assert.That(rows.Single().TypeOfCreatedAt, Is.EqualTo("text"));
            Assert.That(taskRows.Single().WorkflowInstanceId, Is.EqualTo(workflow.Id.ToString()));
            Assert.That(taskRows.Single().ScheduledAt, Is.EqualTo("2030-01-01T08:00:00.123456Z"));
        }
    }

    [Test]
    public void Schema_ActivityOfAnUnknownWorkflow_IsRefusedByTheForeignKey()
    {
        using var connection = File.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys = ON; " +
            "INSERT INTO activity_logs (workflow_instance_id, action, created_at) VALUES ('no-such-workflow', 'X', 'now')";

        Assert.That(() => command.ExecuteNonQuery(), Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>()
            .With.Message.Contains("FOREIGN KEY"));
    }
}
