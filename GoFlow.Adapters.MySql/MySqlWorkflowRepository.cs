using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <param name="dataSource">The pool every transaction but a group of starts takes its connection from.</param>
/// <param name="heldConnections">The connections a group of starts runs on (ADR 0040).</param>
internal sealed partial class MySqlWorkflowRepository(MySqlDataSource dataSource, HeldConnections heldConnections)
    : IWorkflowRepository, IWorkflowRetention
{
    public Task CreateManyAsync(IReadOnlyList<NewWorkflow> workflows, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            if (workflows.Count == 0)
            {
                return;
            }

            // One round trip whatever the number: begin, the inserts (workflows, first tasks, WORKFLOW_CREATED rows) and
            // the commit in one command (ADR 0034).
            await using var values = PositionalCommand.Rent();
            foreach (var (workflow, _) in workflows)
            {
                values.AddValue(workflow.Id.Value);
                values.AddValue(workflow.WorkflowName);
                values.AddValue(workflow.Status.ToName());
                values.AddValue(workflow.CurrentInput);
                values.AddValue(MySqlTime.ToDatabase(workflow.CreatedAt));
                values.AddValue(MySqlTime.ToDatabase(workflow.UpdatedAt));
                values.AddValue(workflow.TraceParent);
            }

            foreach (var (workflow, firstTask) in workflows)
            {
                values.AddValue(workflow.Id.Value);
                values.AddValue(firstTask.StepIndex);
                values.AddValue(firstTask.TaskName);
                values.AddValue(firstTask.Status.ToName());
                values.AddValue(firstTask.Attempt);
                values.AddValue(firstTask.MaxAttempts);
                values.AddValue(firstTask.InputPayload);
                values.AddValue(MySqlTime.ToDatabase(firstTask.ScheduledAt));
                values.AddValue(MySqlTime.ToDatabase(firstTask.CreatedAt));
                values.AddValue(MySqlTime.ToDatabase(firstTask.UpdatedAt));
            }

            var created = new NewActivity[workflows.Count];
            for (var i = 0; i < created.Length; i++)
            {
                created[i] = Created(workflows[i].Workflow);
            }

            ActivityLog.AddValues(values, created);
            values.CommandText = MySqlWorkflowSql.CreateMany(workflows.Count);

            await heldConnections.RunAsync(
                async transaction =>
                {
                    values.Connection = transaction.Connection;
                    transaction.Begun();
                    await values.ExecuteNonQueryAsync(cancellationToken);
                    transaction.Committed();
                    // The connection goes back to the held set when this returns: the command no longer points at it.
                    values.Connection = null;
                    return true;
                },
                cancellationToken);
        });

    public Task<WorkflowDetails?> FindAsync(WorkflowId id, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            // One round trip, two statements. They run without a shared snapshot: a step that finishes between them can
            // show a task newer than its workflow row, never the reverse, and the next read shows both.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.SelectWorkflowAndTasks, new { Id = id.Value }, cancellationToken: cancellationToken));

            var workflow = await results.ReadSingleOrDefaultAsync<WorkflowRow>();
            if (workflow is null)
            {
                return null;
            }

            var tasks = await results.ReadAsync<TaskRow>();
            return new WorkflowDetails(ToView(workflow), [.. tasks.Select(ToView)]);
        });

    public Task<IReadOnlyList<ActivityLogEntry>?> GetActivityAsync(WorkflowId id, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IReadOnlyList<ActivityLogEntry>?>(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.SelectActivity, new { Id = id.Value }, cancellationToken: cancellationToken));

            var workflowCount = await results.ReadSingleAsync<long>();
            if (workflowCount == 0)
            {
                return null;
            }

            var rows = await results.ReadAsync<ActivityRow>();
            return [.. rows.Select(ToEntry)];
        });

    /// <summary>
    /// Inserts the workflow under its idempotency key, its first task and its WORKFLOW_CREATED row, in one round trip.
    /// The workflow row goes first because the task's foreign key needs it (see MySqlTaskQueueSql on lock order); when it fails
    /// (the key is taken), the server runs none of the statements after it.
    /// </summary>
    private static async Task InsertKeyedWorkflowAsync(
        MySqlTransaction transaction,
        WorkflowInstance workflow,
        WorkflowTask firstTask,
        IdempotencyKey key,
        CancellationToken cancellationToken)
    {
        var parameters = new BatchParameters(ActivityLog.ValuesPerRow, new DynamicParameters(new
        {
            Id = workflow.Id.Value,
            workflow.WorkflowName,
            Status = workflow.Status.ToName(),
            workflow.CurrentInput,
            workflow.TraceParent,
            CreatedAt = MySqlTime.ToDatabase(workflow.CreatedAt),
            UpdatedAt = MySqlTime.ToDatabase(workflow.UpdatedAt),
            IdempotencyKey = key.Key,
            key.RequestFingerprint,
            TaskStepIndex = firstTask.StepIndex,
            TaskName = firstTask.TaskName,
            TaskStatus = firstTask.Status.ToName(),
            TaskAttempt = firstTask.Attempt,
            TaskMaxAttempts = firstTask.MaxAttempts,
            TaskInputPayload = firstTask.InputPayload,
            TaskScheduledAt = MySqlTime.ToDatabase(firstTask.ScheduledAt),
            TaskCreatedAt = MySqlTime.ToDatabase(firstTask.CreatedAt),
            TaskUpdatedAt = MySqlTime.ToDatabase(firstTask.UpdatedAt),
        }));
        var created = ActivityLog.Insert([Created(workflow)], parameters);

        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            $"{MySqlWorkflowSql.InsertWorkflowWithKey};\n{MySqlWorkflowSql.InsertFirstTask};\n{created}",
            parameters,
            transaction,
            cancellationToken: cancellationToken));
    }

    private static NewActivity Created(WorkflowInstance workflow) =>
        WorkflowTransitions.Create.Log(workflow.Id, workflow.WorkflowName, workflow.CreatedAt).Single();

    private static WorkflowView ToView(WorkflowRow row) => new(
        new WorkflowId(row.Id),
        row.WorkflowName,
        StatusNames.ToWorkflowStatus(row.Status),
        row.CurrentInput,
        MySqlTime.FromDatabase(row.CreatedAt),
        MySqlTime.FromDatabase(row.UpdatedAt));

    private static TaskView ToView(TaskRow row) => new(
        new TaskId(row.Id),
        row.StepIndex,
        row.TaskName,
        StatusNames.ToTaskStatus(row.Status),
        row.Attempt,
        row.MaxAttempts,
        MySqlTime.FromDatabase(row.ScheduledAt),
        row.InputPayload,
        row.OutputPayload,
        row.ErrorMessage,
        MySqlTime.FromDatabase(row.CreatedAt),
        MySqlTime.FromDatabase(row.UpdatedAt),
        row.WorkerId);

    private static ActivityLogEntry ToEntry(ActivityRow row) => new(
        row.Id,
        new WorkflowId(row.WorkflowInstanceId),
        row.TaskId is { } taskId ? new TaskId(taskId) : null,
        row.Action,
        row.Details,
        MySqlTime.FromDatabase(row.CreatedAt));

    public Task<IdempotentCreateResult> CreateOnceAsync(
        WorkflowInstance workflow, WorkflowTask firstTask, IdempotencyKey key, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync<IdempotentCreateResult>(async () =>
        {
            // The unique index on the key decides, never a read first: of concurrent requests with one key, the first
            // insert wins and the others fail on the index once it commits (error 1062), then read what it stored.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await InsertAsync(workflow, firstTask, key, cancellationToken);
                    return new IdempotentCreateResult.Created();
                }
                catch (MySqlException exception) when (exception.ErrorCode == MySqlErrorCode.DuplicateKeyEntry
                                                       && exception.Message.Contains(MySqlWorkflowSql.IdempotencyKeyIndex, StringComparison.Ordinal))
                {
                    await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                    var existing = await connection.QuerySingleOrDefaultAsync<KeyedWorkflowRow>(new CommandDefinition(
                        MySqlWorkflowSql.SelectWorkflowByKey, new { IdempotencyKey = key.Key }, cancellationToken: cancellationToken));
                    if (existing is not null)
                    {
                        return new IdempotentCreateResult.KeyTaken(ToView(existing.Workflow), existing.RequestFingerprint);
                    }

                    // The workflow that held the key was deleted (retention) between the two statements: the key is
                    // free again, so the insert is tried once more.
                    if (attempt == 3)
                    {
                        throw new InvalidOperationException(
                            $"Idempotency key '{key.Key}' was reported taken but no workflow holds it; nothing was stored.",
                            exception);
                    }
                }
            }
        });

    public Task<WorkflowPage> ListAsync(WorkflowListQuery query, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<WorkflowRow>(new CommandDefinition(
                MySqlWorkflowSql.ListWorkflows(query),
                MySqlWorkflowList.Parameters(query),
                cancellationToken: cancellationToken))).AsList();

            var (page, next) = MySqlWorkflowList.Cut(
                rows, query.Limit, ToView, workflow => new WorkflowListPosition(workflow.CreatedAt, workflow.Id));
            return new WorkflowPage(page, next);
        });

    /// <summary>
    /// Stores the workflow under its key with its first task and WORKFLOW_CREATED, in one transaction. A key already
    /// taken fails the first insert, and disposing the transaction rolls it back.
    /// </summary>
    private async Task InsertAsync(
        WorkflowInstance workflow, WorkflowTask firstTask, IdempotencyKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction =
            await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        await InsertKeyedWorkflowAsync(transaction, workflow, firstTask, key, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
