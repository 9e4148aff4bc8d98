using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The plan of the group completion's read of the next tasks' ids (<see cref="MySqlTaskQueueSql.CompleteHeldTasks"/>),
/// asked of the real server: the row-constructor list alone, <c>(workflow_instance_id, step_index) IN (...)</c>, must
/// be read as one-row ranges of uq_tasks_workflow_step, never as every task of each workflow (ADR 0039).
/// </summary>
internal sealed class MySqlCompletionPlanTests : MySqlDatabaseFixture
{
    private const int Workflows = 8;
    private const int StepsEach = 30;

    [Test]
    public async Task NextTaskIdsRead_ManyTasksPerWorkflow_ReadsOneUniqueKeyEntryPerNewTask()
    {
        var workflowIds = await SeedAsync();
        var advancing = workflowIds.Take(3).ToList();
        var readBack = ReadBackOf(MySqlTaskQueueSql.CompleteHeldTasks(GroupAdvancing(advancing)));
        var values = new Dapper.DynamicParameters();
        var named = NameThePlaceholders(readBack, advancing, values);

        var plan = await Database.QueryAsync<ExplainRow>("EXPLAIN " + named, values);

        Assert.That(plan, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(plan[0].Key, Is.EqualTo("uq_tasks_workflow_step"));
            Assert.That(plan[0].Type, Is.EqualTo("range"));
            // A range on the workflow alone would read all 30 tasks of each: 90 rows.
            Assert.That(plan[0].Rows, Is.LessThanOrEqualTo(advancing.Count));
        });
    }

    /// <summary><see cref="Workflows"/> workflows with <see cref="StepsEach"/> tasks each, and fresh statistics.</summary>
    private async Task<List<Guid>> SeedAsync()
    {
        var ids = Enumerable.Range(0, Workflows).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
        {
            await Database.ExecuteAsync(
                """
                INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at)
                VALUES (@Id, 'W', 'RUNNING', '{}', '2030-01-01', '2030-01-01')
                """,
                new { Id = id.ToString() });
            await Database.ExecuteAsync(
                """
                INSERT INTO tasks (workflow_instance_id, step_index, task_name, status, input_payload, scheduled_at, created_at, updated_at)
                WITH RECURSIVE steps (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM steps WHERE n + 1 < @StepsEach)
                SELECT @Id, n, 'T', 'COMPLETED', '{}', '2030-01-01', '2030-01-01', '2030-01-01' FROM steps
                """,
                new { Id = id.ToString(), StepsEach });
        }

        await Database.QueryAsync<object>("ANALYZE TABLE tasks");
        return ids;
    }

    private static CompletionGroup GroupAdvancing(IEnumerable<Guid> workflowIds)
    {
        var step = new WorkflowStep(StepsEach, "Next", TaskPolicy.Default);
        return new CompletionGroup(
            [
                .. workflowIds.Select((id, i) => new TaskCompletion(
                    new ClaimedTask(new TaskId(i + 1), new WorkflowId(id), "W", StepsEach - 1, "Last", "{}", 1, 3, "worker-a", DateTimeOffset.UnixEpoch),
                    "{}",
                    StepAdvance.After(step, handOver: true, "worker-a", TimeSpan.FromSeconds(30)))),
            ],
            DateTimeOffset.UnixEpoch);
    }

    /// <summary>The statement of the group's text that reads the next tasks' ids back.</summary>
    private static string ReadBackOf(string groupText) =>
        groupText.Split(";\n").Single(statement => statement.TrimStart().StartsWith("SELECT id, workflow_instance_id FROM tasks", StringComparison.Ordinal));

    /// <summary>The read with its positional placeholders named, each pair (workflow id, the next step's index) given.</summary>
    private static string NameThePlaceholders(string readBack, IReadOnlyList<Guid> workflowIds, Dapper.DynamicParameters values)
    {
        var parts = readBack.Split('?');
        Assert.That(parts, Has.Length.EqualTo((2 * workflowIds.Count) + 1), "two values per new task");
        var text = new System.Text.StringBuilder(parts[0]);
        for (var i = 1; i < parts.Length; i++)
        {
            var pair = (i - 1) / 2;
            object value = (i - 1) % 2 == 0 ? workflowIds[pair].ToString() : StepsEach - 1;
            values.Add($"P{i}", value);
            text.Append($"@P{i}").Append(parts[i]);
        }

        return text.ToString();
    }

    private sealed class ExplainRow
    {
        public string? Type { get; set; }

        public string? Key { get; set; }

        public long? Rows { get; set; }
    }
}
