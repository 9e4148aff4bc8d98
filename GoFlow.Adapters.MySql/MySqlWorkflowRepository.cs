using System.Data;
using System.Globalization;
using Dapper;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlWorkflowRepository(MySqlDataSource dataSource) : IWorkflowRepository, IWorkflowRetention
{
    public Task CreateAsync(WorkflowInstance workflow, WorkflowTask firstTask, CancellationToken cancellationToken) =>
        CreateManyAsync([new NewWorkflow(workflow, firstTask)], cancellationToken);

    public Task CreateManyAsync(IReadOnlyList<NewWorkflow> workflows, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            if (workflows.Count == 0)
            {
                return;
            }

            // Three round trips whatever the number: begin, the inserts (workflows, first tasks, WORKFLOW_CREATED rows), commit.
            var parameters = new DynamicParameters();
            for (var i = 0; i < workflows.Count; i++)
            {
                var (workflow, firstTask) = workflows[i];
                parameters.Add($"Id{i}", workflow.Id.Value);
                parameters.Add($"WorkflowName{i}", workflow.WorkflowName);
                parameters.Add($"Status{i}", workflow.Status.ToName());
                parameters.Add($"CurrentInput{i}", workflow.CurrentInput);
                parameters.Add($"TraceParent{i}", workflow.TraceParent);
                parameters.Add($"CreatedAt{i}", MySqlTime.ToDatabase(workflow.CreatedAt));
                parameters.Add($"UpdatedAt{i}", MySqlTime.ToDatabase(workflow.UpdatedAt));
                parameters.Add($"TaskStepIndex{i}", firstTask.StepIndex);
                parameters.Add($"TaskName{i}", firstTask.TaskName);
                parameters.Add($"TaskStatus{i}", firstTask.Status.ToName());
                parameters.Add($"TaskAttempt{i}", firstTask.Attempt);
                parameters.Add($"TaskMaxAttempts{i}", firstTask.MaxAttempts);
                parameters.Add($"TaskInputPayload{i}", firstTask.InputPayload);
                parameters.Add($"TaskScheduledAt{i}", MySqlTime.ToDatabase(firstTask.ScheduledAt));
                parameters.Add($"TaskCreatedAt{i}", MySqlTime.ToDatabase(firstTask.CreatedAt));
                parameters.Add($"TaskUpdatedAt{i}", MySqlTime.ToDatabase(firstTask.UpdatedAt));
            }

            var created = ActivityLog.Insert([.. workflows.Select(entry => Created(entry.Workflow))], parameters);

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                MySqlWorkflowSql.InsertWorkflowsAndFirstTasks(workflows.Count) + created,
                parameters,
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
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
        var parameters = new DynamicParameters(new
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
        });
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

    public Task<WorkflowChangeResult> CancelAsync(WorkflowId id, DateTimeOffset now, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            var parameters = new { Id = id.Value, Now = MySqlTime.ToDatabase(now) };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            await connection.ExecuteAsync(new CommandDefinition(
                MySqlWorkflowSql.CancelTasks, parameters, transaction, cancellationToken: cancellationToken));

            WorkflowStateRow? workflow;
            await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.CancelWorkflowAndSelect, parameters, transaction, cancellationToken: cancellationToken)))
            {
                var cancelled = await results.ReadSingleAsync<long>();
                workflow = await results.ReadSingleOrDefaultAsync<WorkflowStateRow>();
                if (cancelled == 0)
                {
                    // Finished first (or never existed): whatever the task update matched is undone with it.
                    await transaction.RollbackAsync(cancellationToken);
                    return Unchanged(workflow);
                }
            }

            await ActivityLog.AppendAsync(
                transaction,
                [.. WorkflowTransitions.Cancel.Log(id, workflow!.WorkflowName, now)],
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Cancelled);
        });

    public Task<WorkflowChangeResult> RetryAsync(WorkflowRetry retry, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retry.FreshAttempts);
            var parameters = new
            {
                Id = retry.Id.Value,
                retry.StepIndex,
                retry.FreshAttempts,
                Now = MySqlTime.ToDatabase(retry.Now),
            };
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            // Tasks, then the workflow, both locked before either is changed (see MySqlWorkflowSql.LockTasksAndWorkflow); then the
            // guarded updates, each checked.
            WorkflowStateRow? workflow;
            await using (var locked = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlWorkflowSql.LockTasksAndWorkflow, parameters, transaction, cancellationToken: cancellationToken)))
            {
                await locked.ReadAsync<long>();
                workflow = await locked.ReadSingleOrDefaultAsync<WorkflowStateRow>();
            }

            if (workflow is null
                || await connection.ExecuteAsync(new CommandDefinition(
                    MySqlWorkflowSql.RetryTask, parameters, transaction, cancellationToken: cancellationToken)) == 0
                || await connection.ExecuteAsync(new CommandDefinition(
                    MySqlWorkflowSql.RetryWorkflow, parameters, transaction, cancellationToken: cancellationToken)) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Unchanged(workflow);
            }

            await ActivityLog.AppendAsync(
                transaction,
                [.. WorkflowTransitions.Retry.Log(retry.Id, workflow.WorkflowName, retry.Now)],
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new WorkflowChangeResult(WorkflowChangeOutcome.Changed, WorkflowStatus.Pending);
        });

    public Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWorkflows);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(
                MySqlRetentionSql.SelectFinishedWorkflows,
                new { FinishedBefore = MySqlTime.ToDatabase(finishedBefore), MaxWorkflows = maxWorkflows },
                transaction,
                cancellationToken: cancellationToken))).ToArray();
            if (ids.Length == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }

            // Only workflows whose every task and activity row this transaction could lock are deleted; the others are
            // being cancelled or retried right now, and left for a later sweep.
            List<ChildRow> tasks, activity;
            Dictionary<Guid, long> taskCounts, activityCounts;
            await using (var children = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlRetentionSql.LockChildRows, new { Ids = ids }, transaction, cancellationToken: cancellationToken)))
            {
                tasks = (await children.ReadAsync<ChildRow>()).AsList();
                taskCounts = (await children.ReadAsync<ChildCountRow>()).ToDictionary(row => row.WorkflowInstanceId, row => row.Total);
                activity = (await children.ReadAsync<ChildRow>()).AsList();
                activityCounts = (await children.ReadAsync<ChildCountRow>()).ToDictionary(row => row.WorkflowInstanceId, row => row.Total);
            }

            var whole = ids
                .Where(id => LockedAll(tasks, taskCounts, id) && LockedAll(activity, activityCounts, id))
                .ToHashSet();
            if (whole.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return 0;
            }

            var activityIds = activity.Where(row => whole.Contains(row.WorkflowInstanceId)).Select(row => row.Id).ToList();
            var taskIds = tasks.Where(row => whole.Contains(row.WorkflowInstanceId)).Select(row => row.Id).ToList();
            var workflowIds = whole.ToList();
            var parameters = new DynamicParameters();
            AddNumbered(parameters, "ActivityId", activityIds);
            AddNumbered(parameters, "TaskId", taskIds);
            AddNumbered(parameters, "WorkflowId", workflowIds);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                MySqlRetentionSql.DeleteLockedRows(activityIds.Count, taskIds.Count, workflowIds.Count),
                parameters,
                transaction,
                cancellationToken: cancellationToken));
            if (deleted != activityIds.Count + taskIds.Count + workflowIds.Count)
            {
                // The rows are locked by the reads above, so only a broken invariant gets here.
                throw new InvalidOperationException(
                    $"The retention sweep locked {workflowIds.Count} finished workflows with {taskIds.Count} tasks and " +
                    $"{activityIds.Count} activity rows but deleted {deleted} rows; nothing was deleted.");
            }

            await transaction.CommitAsync(cancellationToken);
            return whole.Count;
        });

    private static void AddNumbered<T>(DynamicParameters parameters, string name, IReadOnlyList<T> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            parameters.Add(string.Create(CultureInfo.InvariantCulture, $"{name}{i}"), values[i]);
        }
    }

    private static bool LockedAll(List<ChildRow> locked, Dictionary<Guid, long> counts, Guid workflowId) =>
        locked.Count(row => row.WorkflowInstanceId == workflowId) == counts.GetValueOrDefault(workflowId);

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

    /// <summary>NotFound when the workflow does not exist, else Conflict with the status it has.</summary>
    private static WorkflowChangeResult Unchanged(WorkflowStateRow? workflow) =>
        workflow is null
            ? new WorkflowChangeResult(WorkflowChangeOutcome.NotFound, null)
            : new WorkflowChangeResult(WorkflowChangeOutcome.Conflict, StatusNames.ToWorkflowStatus(workflow.Status));
}
