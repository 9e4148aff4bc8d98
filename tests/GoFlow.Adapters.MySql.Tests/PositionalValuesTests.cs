using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
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
    public async Task AppendPositional_AddsOneValuePerPlaceholder()
    {
        var sql = new System.Text.StringBuilder();
        await using var command = PositionalCommand.Rent();
        var workflowId = WorkflowId.New(DateTimeOffset.UnixEpoch);
        NewActivity[] rows =
        [
            new(workflowId, null, "WORKFLOW_CREATED", "{}", DateTimeOffset.UnixEpoch),
            new(workflowId, new TaskId(4), "TASK_STARTED", "{}", DateTimeOffset.UnixEpoch),
        ];

        ActivityLog.AppendPositional(sql, command, rows);

        Assert.That(command.Count, Is.EqualTo(Placeholders(sql.ToString())).And.EqualTo(10));
    }

    [Test]
    public async Task CompleteHeldTasks_ForAdvancingAndFinishingWorkflows_GetsOneValuePerPlaceholder()
    {
        var step = new WorkflowStep(1, "Next", TaskPolicy.Default);
        ClaimedTask Claimed(long id) => new(
            new TaskId(id), WorkflowId.New(DateTimeOffset.UnixEpoch), "W", 0, "First", "{}", 1, 3, "worker-a", DateTimeOffset.UnixEpoch);
        var group = new CompletionGroup(
            [
                new TaskCompletion(Claimed(1), "{}", StepAdvance.After(step, handOver: true, "worker-a", TimeSpan.FromSeconds(30))),
                new TaskCompletion(Claimed(2), "{}", Advance: null),
                new TaskCompletion(Claimed(3), "{}", StepAdvance.After(step, handOver: false, "worker-a", TimeSpan.FromSeconds(30))),
            ],
            DateTimeOffset.UnixEpoch);
        await using var command = PositionalCommand.Rent();

        group.AddValuesTo(command);

        // Tasks: 3 x (id, output), now, 3 ids. Advancing: 2 x (id, output), now, 2 ids.
        // Finishing: 1 x (id, output), now, 1 id. Next tasks: 2 x 13, 2 x (id, step).
        var expected = (6 + 1 + 3) + (4 + 1 + 2) + (2 + 1 + 1) + (26 + 4);
        Assert.That(command.Count, Is.EqualTo(Placeholders(MySqlTaskQueueSql.CompleteHeldTasks(group))).And.EqualTo(expected));
    }

    [Test]
    public void LockCompletedTasks_HasOnePlaceholderPerTask() =>
        Assert.That(Placeholders(MySqlTaskQueueSql.LockCompletedTasks(3)), Is.EqualTo(3));

    [Test]
    public void TextsByCount_MakesACachedCountOnceAndALargerOneEachTime()
    {
        var made = new List<int>();
        var texts = new TextsByCount(largestCached: 2, count =>
        {
            made.Add(count);
            return new System.Text.StringBuilder().AppendPlaceholders(count).ToString();
        });

        Assert.Multiple(() =>
        {
            Assert.That(texts.For(2), Is.EqualTo("?, ?"));
            Assert.That(texts.For(2), Is.EqualTo("?, ?"));
            Assert.That(texts.For(3), Is.EqualTo("?, ?, ?"));
            Assert.That(texts.For(3), Is.EqualTo("?, ?, ?"));
            Assert.That(made, Is.EqualTo(new[] { 2, 3, 3 }));
        });
    }

    private static int Placeholders(string sql) => sql.Count(character => character == '?');
}
