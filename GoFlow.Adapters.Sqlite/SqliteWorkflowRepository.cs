using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Sqlite;

internal sealed partial class SqliteWorkflowRepository(SqliteDatabase database) : IWorkflowRepository, IWorkflowRetention
{
    public Task CreateManyAsync(IReadOnlyList<NewWorkflow> workflows, CancellationToken cancellationToken) =>
        workflows.Count == 0
            ? Task.CompletedTask
            : database.WriteAsync(
                async (connection, transaction) =>
                {
                    // One transaction, one commit (and one fsync) for all of them.
                    foreach (var (workflow, firstTask) in workflows)
                    {
                        // The workflow row goes first because the task's foreign key needs it.
                        database.Prepared(transaction, SqliteWorkflowSql.InsertWorkflow)
                            .Bind("@Id", SqliteIds.ToDatabase(workflow.Id))
                            .Bind("@WorkflowName", workflow.WorkflowName)
                            .Bind("@Status", workflow.Status.ToName())
                            .Bind("@CurrentInput", workflow.CurrentInput)
                            .Bind("@TraceParent", workflow.TraceParent)
                            .Bind("@CreatedAt", SqliteTime.ToDatabase(workflow.CreatedAt))
                            .Bind("@UpdatedAt", SqliteTime.ToDatabase(workflow.UpdatedAt))
                            .ExecuteNonQuery();

                        InsertFirstTaskAndActivity(transaction, workflow, firstTask);
                    }

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
                    SqliteWorkflowSql.SelectWorkflowAndTasks,
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
                    SqliteWorkflowSql.SelectActivity,
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
        SqliteTime.FromDatabase(row.UpdatedAt),
        row.WorkerId);

    private static ActivityLogEntry ToEntry(ActivityRow row) => new(
        row.Id,
        SqliteIds.FromDatabase(row.WorkflowInstanceId),
        row.TaskId is { } taskId ? new TaskId(taskId) : null,
        row.Action,
        row.Details,
        SqliteTime.FromDatabase(row.CreatedAt));

    public Task<IdempotentCreateResult> CreateOnceAsync(
        WorkflowInstance workflow, WorkflowTask firstTask, IdempotencyKey key, CancellationToken cancellationToken) =>
        database.WriteAsync<IdempotentCreateResult>(
            async (connection, transaction) =>
            {
                // The unique index on the key decides, never a read first; this transaction holds the write lock, so the
                // workflow that holds the key is still there when it is read below.
                var inserted = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteWorkflowSql.InsertWorkflowWithKey,
                    new
                    {
                        Id = SqliteIds.ToDatabase(workflow.Id),
                        workflow.WorkflowName,
                        Status = workflow.Status.ToName(),
                        workflow.CurrentInput,
                        workflow.TraceParent,
                        CreatedAt = SqliteTime.ToDatabase(workflow.CreatedAt),
                        UpdatedAt = SqliteTime.ToDatabase(workflow.UpdatedAt),
                        IdempotencyKey = key.Key,
                        key.RequestFingerprint,
                    },
                    cancellationToken: cancellationToken));
                if (inserted == 0)
                {
                    var existing = await connection.QuerySingleAsync<KeyedWorkflowRow>(new CommandDefinition(
                        SqliteWorkflowSql.SelectWorkflowByKey, new { IdempotencyKey = key.Key }, cancellationToken: cancellationToken));
                    return new IdempotentCreateResult.KeyTaken(ToView(existing.Workflow), existing.RequestFingerprint);
                }

                InsertFirstTaskAndActivity(transaction, workflow, firstTask);
                await transaction.CommitAsync(cancellationToken);
                return new IdempotentCreateResult.Created();
            },
            cancellationToken);

    public Task<WorkflowPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return database.ReadAsync(
            async (connection, transaction) =>
            {
                var rows = (await connection.QueryAsync<WorkflowRow>(new CommandDefinition(
                    SqliteWorkflowSql.ListWorkflows(query),
                    SqliteWorkflowList.Parameters(query),
                    transaction,
                    cancellationToken: cancellationToken))).AsList();

                var (page, next) = SqliteWorkflowList.Cut(
                    rows, query.Limit, ToView, workflow => new WorkflowListPosition(workflow.CreatedAt, workflow.Id));
                return new WorkflowPage(page, next);
            },
            cancellationToken);
    }

    private void InsertFirstTaskAndActivity(SqliteWriteTransaction transaction, WorkflowInstance workflow, WorkflowTask firstTask)
    {
        database.Prepared(transaction, SqliteWorkflowSql.InsertTask)
            .Bind("@WorkflowId", SqliteIds.ToDatabase(firstTask.WorkflowId))
            .Bind("@StepIndex", firstTask.StepIndex)
            .Bind("@TaskName", firstTask.TaskName)
            .Bind("@Status", firstTask.Status.ToName())
            .Bind("@Attempt", firstTask.Attempt)
            .Bind("@MaxAttempts", firstTask.MaxAttempts)
            .Bind("@InputPayload", firstTask.InputPayload)
            .Bind("@ScheduledAt", SqliteTime.ToDatabase(firstTask.ScheduledAt))
            .Bind("@CreatedAt", SqliteTime.ToDatabase(firstTask.CreatedAt))
            .Bind("@UpdatedAt", SqliteTime.ToDatabase(firstTask.UpdatedAt))
            .ExecuteNonQuery();

        database.Append(transaction, [.. WorkflowTransitions.Create.Log(workflow.Id, workflow.WorkflowName, workflow.CreatedAt)]);
    }
}
