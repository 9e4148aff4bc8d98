using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteWorkflowRepository(SqliteDatabase database) : IWorkflowRepository, IWorkflowRetention
{
    public Task CreateAsync(WorkflowInstance workflow, WorkflowTask firstTask, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // The workflow row goes first because the task's foreign key needs it.
                await connection.ExecuteAsync(new CommandDefinition(
                    SqliteSql.InsertWorkflow,
                    new
                    {
                        Id = SqliteIds.ToDatabase(workflow.Id),
                        workflow.WorkflowName,
                        Status = workflow.Status.ToName(),
                        workflow.CurrentInput,
                        CreatedAt = SqliteTime.ToDatabase(workflow.CreatedAt),
                        UpdatedAt = SqliteTime.ToDatabase(workflow.UpdatedAt),
                    },
                    transaction,
                    cancellationToken: cancellationToken));

                await connection.ExecuteAsync(new CommandDefinition(
                    SqliteSql.InsertTask,
                    new
                    {
                        WorkflowId = SqliteIds.ToDatabase(firstTask.WorkflowId),
                        firstTask.StepIndex,
                        firstTask.TaskName,
                        Status = firstTask.Status.ToName(),
                        firstTask.Attempt,
                        firstTask.MaxAttempts,
                        firstTask.InputPayload,
                        ScheduledAt = SqliteTime.ToDatabase(firstTask.ScheduledAt),
                        CreatedAt = SqliteTime.ToDatabase(firstTask.CreatedAt),
                        UpdatedAt = SqliteTime.ToDatabase(firstTask.UpdatedAt),
                    },
                    transaction,
                    cancellationToken: cancellationToken));

                await ActivityLog.AppendAsync(
                    transaction,
                    [new NewActivity(
                        workflow.Id,
                        TaskId: null,
                        ActivityAction.WorkflowCreated,
                        ActivityDetails.ForWorkflow(workflow.WorkflowName),
                        workflow.CreatedAt)],
                    cancellationToken);

                await transaction.CommitAsync(cancellationToken);
                return true;
            },
            cancellationToken);

    public Task<WorkflowDetails?> FindAsync(WorkflowId id, CancellationToken cancellationToken) =>
        // Read in one transaction, so the workflow and its tasks come from the same commit.
        database.ReadAsync(
            async (connection, transaction) =>
            {
                await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                    SqliteSql.SelectWorkflowAndTasks,
                    new { Id = SqliteIds.ToDatabase(id) },
                    transaction,
                    cancellationToken: cancellationToken));

                var workflow = await results.ReadSingleOrDefaultAsync<WorkflowRow>();
                if (workflow is null)
                {
                    return null;
                }

                var tasks = await results.ReadAsync<TaskRow>();
                return new WorkflowDetails(ToView(workflow), [.. tasks.Select(ToView)]);
            },
            cancellationToken);

    public Task<IReadOnlyList<ActivityLogEntry>?> GetActivityAsync(WorkflowId id, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ActivityLogEntry>?>(
            async (connection, transaction) =>
            {
                await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                    SqliteSql.SelectActivity,
                    new { Id = SqliteIds.ToDatabase(id) },
                    transaction,
                    cancellationToken: cancellationToken));

                var workflowCount = await results.ReadSingleAsync<long>();
                if (workflowCount == 0)
                {
                    return null;
                }

                var rows = await results.ReadAsync<ActivityRow>();
                return [.. rows.Select(ToEntry)];
            },
            cancellationToken);

    private static WorkflowView ToView(WorkflowRow row) => new(
        SqliteIds.FromDatabase(row.Id),
        row.WorkflowName,
        StatusNames.ToWorkflowStatus(row.Status),
        row.CurrentInput,
        SqliteTime.FromDatabase(row.CreatedAt),
        SqliteTime.FromDatabase(row.UpdatedAt));

    private static TaskView ToView(TaskRow row) => new(
        new TaskId(row.Id),
        (int)row.StepIndex,
        row.TaskName,
        StatusNames.ToTaskStatus(row.Status),
        (int)row.Attempt,
        (int)row.MaxAttempts,
        SqliteTime.FromDatabase(row.ScheduledAt),
        row.InputPayload,
        row.OutputPayload,
        row.ErrorMessage,
        SqliteTime.FromDatabase(row.CreatedAt),
        SqliteTime.FromDatabase(row.UpdatedAt));

    private static ActivityLogEntry ToEntry(ActivityRow row) => new(
        row.Id,
        SqliteIds.FromDatabase(row.WorkflowInstanceId),
        row.TaskId is { } taskId ? new TaskId(taskId) : null,
        row.Action,
        row.Details,
        SqliteTime.FromDatabase(row.CreatedAt));

    // Issue 5 (operations API): implemented next; these stubs keep the solution building meanwhile.
    public Task<IdempotentCreateResult> CreateOnceAsync(
        WorkflowInstance workflow, WorkflowTask firstTask, IdempotencyKey key, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<WorkflowPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<WorkflowChangeResult> CancelAsync(WorkflowId id, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<WorkflowChangeResult> RetryAsync(WorkflowRetry retry, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
