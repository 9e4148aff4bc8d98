using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>A start that hands its first task over to a worker of this process (ADR 0037).</summary>
internal sealed partial class SqliteWorkflowRepository
{
    /// <summary>
    /// Inserts <paramref name="started"/>'s first task as its hand-over states: RUNNING, attempt 1, leased to its holder
    /// from <paramref name="now"/>, with the WORKFLOW_CREATED row and then the task's TASK_STARTED row; the workflow row is
    /// the caller's, RUNNING. The insert is the one a completion's handed-over next step takes.
    /// </summary>
    /// <returns>The task as its holder sees it.</returns>
    private ClaimedTask InsertHandedOverFirstTask(SqliteWriteTransaction transaction, NewWorkflow started, DateTimeOffset now)
    {
        // The times written are answered too (the task's lease), so they are cut as the columns keep them.
        var storedNow = SqliteTime.Kept(now);
        var (workflow, firstTask, handOver) = started;
        var id = database.Prepared(transaction, SqliteTaskQueueSql.InsertNextTask)
            .Bind("@WorkflowId", SqliteIds.ToDatabase(workflow.Id))
            .Bind("@StepIndex", firstTask.StepIndex)
            .Bind("@TaskName", firstTask.TaskName)
            .Bind("@Status", FirstStepHandOver.TaskStatus.ToName())
            .Bind("@Attempt", FirstStepHandOver.Attempt)
            .Bind("@MaxAttempts", firstTask.MaxAttempts)
            .Bind("@InputPayload", firstTask.InputPayload)
            .Bind("@LeaseOwner", handOver!.Holder)
            .Bind("@LeaseExpiresAt", SqliteTime.ToDatabase(handOver.LeaseExpiresAt(storedNow)))
            .Bind("@ScheduledAt", SqliteTime.ToDatabase(firstTask.ScheduledAt))
            .Bind("@Now", SqliteTime.ToDatabase(firstTask.CreatedAt))
            .ExecuteInsert();
        var taskId = new TaskId(id);
        database.Append(transaction, [.. started.CreationLog(), .. handOver.Log(firstTask, taskId, storedNow)]);
        return ClaimedTask.FirstHandedOver(taskId, started, storedNow);
    }
}
