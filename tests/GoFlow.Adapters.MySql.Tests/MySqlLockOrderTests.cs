using System.Text.RegularExpressions;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// The lock order written at the top of <see cref="MySqlTaskQueueSql"/>, checked on the statements' text where text can show it:
/// each transaction locks tasks, then workflow_instances, then activity_logs; every statement that locks rows of a list
/// of ids reads them through the primary key (so it locks those rows, in ascending id, and no others); a task inserted
/// under a workflow that the same transaction updates comes after that update (its foreign key's shared lock then falls
/// on a row already held exclusively, never to be upgraded).
/// </summary>
public sealed partial class MySqlLockOrderTests
{
    private static readonly string[] TableOrder = ["tasks", "workflow_instances", "activity_logs"];

    /// <summary>Each transaction that locks tasks or workflows, as the statements it sends, in their order.</summary>
    private static IEnumerable<TestCaseData> Transactions()
    {
        var activity = MySqlTaskQueueSql.InsertActivityLogs(2);
        yield return Case("claim", MySqlTaskQueueSql.SelectClaimCandidates, MySqlTaskQueueSql.MarkClaimedAndSelectWorkflows(2, 2).ToString(), activity);
        yield return Case("group completion and hand-over",
            MySqlTaskQueueSql.LockCompletedTasks(2), MySqlTaskQueueSql.RenewHandedOverTask, MySqlTaskQueueSql.CompleteHeldTasks(SampleGroup()), activity);
        yield return Case("failure", MySqlTaskQueueSql.FailTask, MySqlTaskQueueSql.FailWorkflow, activity);
        yield return Case("retry after a failed attempt", MySqlTaskQueueSql.ScheduleTaskRetry, activity);
        yield return Case("release", MySqlTaskQueueSql.ReleaseTask, activity);
        yield return Case("lease renewal", MySqlTaskQueueSql.RenewLeases(3));
        yield return Case("recovery sweep",
            MySqlTaskQueueSql.SelectExpiredLeaseCandidates, MySqlTaskQueueSql.LockExpiredLeases(3), MySqlTaskQueueSql.RequeueExpiredTasks, MySqlTaskQueueSql.FailExpiredTasks,
            MySqlTaskQueueSql.FailWorkflowsAndSelectNames, activity);
        yield return Case("cancel", MySqlWorkflowSql.CancelTasks, MySqlWorkflowSql.CancelWorkflowAndSelect, activity);
        yield return Case("operator's retry", MySqlWorkflowSql.LockTasksAndWorkflow, MySqlWorkflowSql.RetryTask, MySqlWorkflowSql.RetryWorkflow, activity);
    }

    [TestCaseSource(nameof(Transactions))]
    public void Transaction_LocksTablesInTheGlobalOrder(string[] statements)
    {
        Assert.That(LockOrderViolations(statements), Is.Empty);
    }

    [TestCaseSource(nameof(Transactions))]
    public void Transaction_StatementsLockingAListOfIds_ReadThroughThePrimaryKey(string[] statements)
    {
        Assert.That(UnforcedIdListLocks(statements), Is.Empty);
    }

    [Test]
    public void LockOrderViolations_WorkflowLockedBeforeTask_Reported()
    {
        // The checks seen to fail: the drain's deadlock had a group lock workflows it did not name, and a shared lock
        // taken by a task insert upgraded afterwards.
        string[] broken =
        [
            "UPDATE workflow_instances FORCE INDEX (PRIMARY) SET status = 'FAILED' WHERE id IN @Ids",
            "UPDATE tasks FORCE INDEX (PRIMARY) SET status = 'FAILED' WHERE id IN @TaskIds",
        ];

        Assert.That(LockOrderViolations(broken), Has.Count.EqualTo(1));
    }

    [Test]
    public void LockOrderViolations_TaskInsertedBeforeItsWorkflowIsUpdated_Reported()
    {
        string[] broken =
        [
            "INSERT INTO tasks (workflow_instance_id) VALUES (@W)",
            "UPDATE workflow_instances FORCE INDEX (PRIMARY) SET current_input = @I WHERE id IN (@W)",
        ];

        Assert.That(LockOrderViolations(broken), Has.Count.EqualTo(1));
    }

    [Test]
    public void UnforcedIdListLocks_SkipLockedReadOfAnIdListWithoutIndexHint_Reported()
    {
        // Skipping locked rows keeps it from waiting, not from locking rows it does not name (ADR 0029).
        string[] broken = ["SELECT id FROM tasks WHERE id IN (@Id0, @Id1) AND status = 'RUNNING' ORDER BY id FOR UPDATE SKIP LOCKED"];

        Assert.That(UnforcedIdListLocks(broken), Has.Count.EqualTo(1));
    }

    [Test]
    public void UnforcedIdListLocks_UpdateByIdListWithoutIndexHint_Reported()
    {
        string[] broken = ["UPDATE workflow_instances SET current_input = @I WHERE id IN (@W0, @W1) AND status = 'RUNNING'"];

        Assert.That(UnforcedIdListLocks(broken), Has.Count.EqualTo(1));
    }

    private static List<string> LockOrderViolations(IEnumerable<string> statements)
    {
        var violations = new List<string>();
        var highest = -1;
        var lockedBefore = new HashSet<string>();
        foreach (var statement in Split(statements))
        {
            if (InsertInto().Match(statement) is { Success: true } insert)
            {
                // A new row is invisible to others until the commit, so inserting it locks nothing they could hold; but a
                // task's foreign key takes a shared lock on its workflow, which must not be upgraded later.
                if (insert.Groups["table"].Value == "tasks" && statement.Contains("workflow_instance_id", StringComparison.Ordinal))
                {
                    violations.AddRange(LaterWorkflowUpdate(statements, statement));
                }

                continue;
            }

            if (LockedTable(statement) is not { } table)
            {
                continue;
            }

            // A table locked earlier in the transaction may be written again: the statements that do so (an operator's
            // retry updating the task it locked first) change rows the transaction holds already, which takes no new lock.
            var rank = Array.IndexOf(TableOrder, table);
            if (rank < highest && !lockedBefore.Contains(table))
            {
                violations.Add($"locks {table} after {TableOrder[highest]}: {statement}");
            }

            highest = Math.Max(highest, rank);
            lockedBefore.Add(table);
        }

        return violations;
    }

    /// <summary>A workflow update after <paramref name="insert"/>, in the same transaction: a shared lock upgraded.</summary>
    private static IEnumerable<string> LaterWorkflowUpdate(IEnumerable<string> statements, string insert) =>
        Split(statements)
            .SkipWhile(statement => statement != insert)
            .Skip(1)
            .Where(statement => LockedTable(statement) == "workflow_instances")
            .Select(statement => $"updates a workflow after inserting its task (shared lock upgraded): {statement}");

    private static List<string> UnforcedIdListLocks(IEnumerable<string> statements) =>
    [
        .. Split(statements)
            .Where(statement => LockedTable(statement) is not null && IdList().IsMatch(statement))
            .Where(statement => !statement.Contains("FORCE INDEX (PRIMARY)", StringComparison.Ordinal)),
    ];

    /// <summary>The table a statement locks existing rows of (UPDATE, DELETE, SELECT ... FOR UPDATE), or null.</summary>
    private static string? LockedTable(string statement)
    {
        if (Update().Match(statement) is { Success: true } update)
        {
            return update.Groups["table"].Value;
        }

        return statement.Contains("FOR UPDATE", StringComparison.Ordinal) && From().Match(statement) is { Success: true } from
            ? from.Groups["table"].Value
            : null;
    }

    private static IEnumerable<string> Split(IEnumerable<string> statements) =>
        statements
            .SelectMany(text => text.Split(';'))
            .Select(statement => Whitespace().Replace(statement, " ").Trim())
            .Where(statement => statement.Length > 0);

    private static TestCaseData Case(string name, params string[] statements) =>
        new TestCaseData([statements]).SetArgDisplayNames(name);

    private static CompletionGroup SampleGroup()
    {
        var step = new WorkflowStep(1, "Next", TaskPolicy.Default);
        ClaimedTask Claimed(long id) => new(
            new TaskId(id), WorkflowId.New(DateTimeOffset.UnixEpoch), "W", 0, "First", "{}", 1, 3, "worker-a", DateTimeOffset.UnixEpoch);
        return new CompletionGroup(
            [
                new TaskCompletion(Claimed(1), "{}", StepAdvance.After(step, handOver: true, "worker-a", TimeSpan.FromSeconds(30))),
                new TaskCompletion(Claimed(2), "{}", Advance: null),
            ],
            DateTimeOffset.UnixEpoch);
    }

    [GeneratedRegex(@"^UPDATE (?<table>\w+)")]
    private static partial Regex Update();

    [GeneratedRegex(@"^INSERT INTO (?<table>\w+)")]
    private static partial Regex InsertInto();

    [GeneratedRegex(@"\bFROM (?<table>\w+)")]
    private static partial Regex From();

    [GeneratedRegex(@"\bid IN\b")]
    private static partial Regex IdList();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
