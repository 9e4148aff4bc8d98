using GoFlow.Domain;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The batches whose values are positional (ADR 0028) name one <c>?</c> per value their callers add: a placeholder too
/// many or too few would bind every later value to the wrong column.
/// </summary>
public sealed class PositionalValuesTests
{
    [TestCase(1)]
    [TestCase(7)]
    public void InsertWorkflowsAndFirstTasks_HasOnePlaceholderPerWorkflowAndTaskValue(int count)
    {
        var sql = MySqlWorkflowSql.InsertWorkflowsAndFirstTasks(count).ToString();

        Assert.That(Placeholders(sql), Is.EqualTo(count * (MySqlWorkflowSql.WorkflowValuesPerRow + MySqlWorkflowSql.TaskValuesPerRow)));
    }

    [Test]
    public void MarkClaimedAndSelectWorkflows_HasThePlaceholdersItsOrderNames()
    {
        var sql = MySqlTaskQueueSql.MarkClaimedAndSelectWorkflows(taskCount: 3, workflowCount: 2).ToString();

        // The owner, the lease's expiry, the owner again, now and 3 task ids; now and 2 workflow ids; 2 workflow ids again.
        Assert.That(Placeholders(sql), Is.EqualTo(4 + 3 + 1 + 2 + 2));
    }

    [Test]
    public void AppendPositional_AddsOneValuePerPlaceholder()
    {
        var sql = new System.Text.StringBuilder();
        using var command = new MySqlCommand();
        var workflowId = WorkflowId.New(DateTimeOffset.UnixEpoch);
        NewActivity[] rows =
        [
            new(workflowId, null, "WORKFLOW_CREATED", "{}", DateTimeOffset.UnixEpoch),
            new(workflowId, new TaskId(4), "TASK_STARTED", "{}", DateTimeOffset.UnixEpoch),
        ];

        ActivityLog.AppendPositional(sql, command.Parameters, rows);

        Assert.That(command.Parameters, Has.Count.EqualTo(Placeholders(sql.ToString())).And.Count.EqualTo(10));
    }

    private static int Placeholders(string sql) => sql.Count(character => character == '?');
}
