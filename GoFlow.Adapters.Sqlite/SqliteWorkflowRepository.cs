using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite;

internal sealed class SqliteWorkflowRepository(SqliteDatabase database) : IWorkflowRepository, IWorkflowRetention
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
                        await connection.ExecuteAsync(new CommandDefinition(
                            SqliteWorkflowSql.InsertWorkflow,
                            new
                            {
                                Id = SqliteIds.ToDatabase(workflow.Id),
                                workflow.WorkflowName,
                                Status = workflow.Status.ToName(),
                                workflow.CurrentInput,
                                workflow.TraceParent,
                                CreatedAt = SqliteTime.ToDatabase(workflow.CreatedAt),
                                UpdatedAt = SqliteTime.ToDatabase(workflow.UpdatedAt),
                            },
                            transaction,
                            cancellationToken: cancellationToken));

                        await InsertFirstTaskAndActivityAsync(transaction, workflow, firstTask, cancellationToken);
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
                    transaction,
                    cancellationToken: cancellationToken));
                if (inserted == 0)
                {
                    var existing = await connection.QuerySingleAsync<KeyedWorkflowRow>(new CommandDefinition(
                        SqliteWorkflowSql.SelectWorkflowByKey, new { IdempotencyKey = key.Key }, transaction, cancellationToken: cancellationToken));
                    return new IdempotentCreateResult.KeyTaken(ToView(existing.Workflow), existing.RequestFingerprint);
                }

                await InsertFirstTaskAndActivityAsync(transaction, workflow, firstTask, cancellationToken);
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

    public Task<WorkflowChangeResult> CancelAsync(WorkflowId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new { Id = SqliteIds.ToDatabase(id), Now = SqliteTime.ToDatabase(now) };
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // Tasks, then the workflow, as in MySQL; under the write lock nothing can come between them.
                await connection.ExecuteAsync(new CommandDefinition(
                    SqliteWorkflowSql.CancelTasks, parameters, transaction, cancellationToken: cancellationToken));
                var cancelled = await connection.ExecuteAsync(new CommandDefinition(
                    SqliteWorkflowSql.CancelWorkflow, parameters, transaction, cancellationToken: cancellationToken));
                var workflow = await connection.QuerySingleOrDefaultAsync<WorkflowStateRow>(new CommandDefinition(
                    SqliteWorkflowSql.SelectWorkflowState, parameters, transaction, cancellationToken: cancellationToken));
                if (cancelled == 0)
                {
                    // Finished first (or never existed): returning uncommitted rolls back whatever the task update matched.
                    return Unchanged(workflow);
                }

                await ActivityLog.AppendAsync(
                    transaction,
                    [.. WorkflowTransitions.Cancel.Log(id, workflow!.WorkflowName, now)],
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowTransitions.Cancel.To);
            },
            cancellationToken);
    }

    public Task<WorkflowChangeResult> RetryAsync(WorkflowRetry retry, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retry.FreshAttempts);
        var parameters = new
        {
            Id = SqliteIds.ToDatabase(retry.Id),
            retry.StepIndex,
            retry.FreshAttempts,
            Now = SqliteTime.ToDatabase(retry.Now),
        };
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The task, then the workflow, as in MySQL; each update guarded by the status it requires and checked.
                var workflow = await connection.QuerySingleOrDefaultAsync<WorkflowStateRow>(new CommandDefinition(
                    SqliteWorkflowSql.SelectWorkflowState, parameters, transaction, cancellationToken: cancellationToken));
                if (workflow is null
                    || await connection.ExecuteAsync(new CommandDefinition(
                        SqliteWorkflowSql.RetryTask, parameters, transaction, cancellationToken: cancellationToken)) == 0
                    || await connection.ExecuteAsync(new CommandDefinition(
                        SqliteWorkflowSql.RetryWorkflow, parameters, transaction, cancellationToken: cancellationToken)) == 0)
                {
                    // Returning uncommitted rolls back the task's update if the workflow's found no row.
                    return Unchanged(workflow);
                }

                await ActivityLog.AppendAsync(
                    transaction,
                    [.. WorkflowTransitions.Retry.Log(retry.Id, workflow.WorkflowName, retry.Now)],
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowTransitions.Retry.To);
            },
            cancellationToken);
    }

    public Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWorkflows);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var ids = (await connection.QueryAsync<string>(new CommandDefinition(
                    SqliteRetentionSql.SelectFinishedWorkflows,
                    new { FinishedBefore = SqliteTime.ToDatabase(finishedBefore), MaxWorkflows = maxWorkflows },
                    transaction,
                    cancellationToken: cancellationToken))).ToArray();
                if (ids.Length == 0)
                {
                    return 0;
                }

                var deleted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    SqliteRetentionSql.DeleteWorkflows, new { Ids = ids }, transaction, cancellationToken: cancellationToken));
                if (deleted != ids.Length)
                {
                    // Cannot happen while this transaction holds the write lock.
                    throw new InvalidOperationException(
                        $"The retention sweep read {ids.Length} finished workflows but could delete only {deleted}; nothing was deleted.");
                }

                await transaction.CommitAsync(cancellationToken);
                return ids.Length;
            },
            cancellationToken);
    }

    private static async Task InsertFirstTaskAndActivityAsync(
        SqliteTransaction transaction, WorkflowInstance workflow, WorkflowTask firstTask, CancellationToken cancellationToken)
    {
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            SqliteWorkflowSql.InsertTask,
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
            [.. WorkflowTransitions.Create.Log(workflow.Id, workflow.WorkflowName, workflow.CreatedAt)],
            cancellationToken);
    }

    /// <summary>NotFound when the workflow does not exist, else Conflict with the status it has.</summary>
    private static WorkflowChangeResult Unchanged(WorkflowStateRow? workflow) =>
        workflow is null
            ? new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)
            : new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, StatusNames.ToWorkflowStatus(workflow.Status));
}
