using System.Data;
using Dapper;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

internal sealed class MySqlWorkflowRepository(MySqlDataSource dataSource) : IWorkflowRepository, IWorkflowRetention
{
    public Task CreateAsync(WorkflowInstance workflow, WorkflowTask firstTask, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            // The workflow row goes first because the task's foreign key needs it (see MySqlSql on lock order).
            await connection.ExecuteAsync(new CommandDefinition(
                MySqlSql.InsertWorkflow,
                new
                {
                    Id = workflow.Id.Value,
                    workflow.WorkflowName,
                    Status = workflow.Status.ToName(),
                    workflow.CurrentInput,
                    CreatedAt = MySqlTime.ToDatabase(workflow.CreatedAt),
                    UpdatedAt = MySqlTime.ToDatabase(workflow.UpdatedAt),
                },
                transaction,
                cancellationToken: cancellationToken));

            await connection.ExecuteAsync(new CommandDefinition(
                MySqlSql.InsertTask,
                new
                {
                    WorkflowId = firstTask.WorkflowId.Value,
                    firstTask.StepIndex,
                    firstTask.TaskName,
                    Status = firstTask.Status.ToName(),
                    firstTask.Attempt,
                    firstTask.MaxAttempts,
                    firstTask.InputPayload,
                    ScheduledAt = MySqlTime.ToDatabase(firstTask.ScheduledAt),
                    CreatedAt = MySqlTime.ToDatabase(firstTask.CreatedAt),
                    UpdatedAt = MySqlTime.ToDatabase(firstTask.UpdatedAt),
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
        });

    public Task<WorkflowDetails?> FindAsync(WorkflowId id, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            // One round trip, two statements. They run without a shared snapshot: a step that finishes between them can
            // show a task newer than its workflow row, never the reverse, and the next read shows both.
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                MySqlSql.SelectWorkflowAndTasks, new { Id = id.Value }, cancellationToken: cancellationToken));

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
                MySqlSql.SelectActivity, new { Id = id.Value }, cancellationToken: cancellationToken));

            var workflowCount = await results.ReadSingleAsync<long>();
            if (workflowCount == 0)
            {
                return null;
            }

            var rows = await results.ReadAsync<ActivityRow>();
            return [.. rows.Select(ToEntry)];
        });

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
        MySqlTime.FromDatabase(row.UpdatedAt));

    private static ActivityLogEntry ToEntry(ActivityRow row) => new(
        row.Id,
        new WorkflowId(row.WorkflowInstanceId),
        row.TaskId is { } taskId ? new TaskId(taskId) : null,
        row.Action,
        row.Details,
        MySqlTime.FromDatabase(row.CreatedAt));

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
