using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>A group of starts of which some hand their first task over to a worker of this process (ADR 0037).</summary>
internal sealed partial class MySqlWorkflowRepository
{
    private static int CountHandedOver(IReadOnlyList<NewWorkflow> workflows)
    {
        var handedOver = 0;
        foreach (var workflow in workflows)
        {
            if (workflow.HandOver is not null)
            {
                handedOver++;
            }
        }

        return handedOver;
    }

    /// <summary>
    /// Stores the group as <see cref="CreateManyAsync"/> does, in one round trip, each start as its
    /// <see cref="NewWorkflow.HandOver"/> states: RUNNING, its first task RUNNING, attempt 1, leased to its holder from
    /// <paramref name="now"/>, with its TASK_STARTED row after the WORKFLOW_CREATED rows; the others PENDING as before.
    /// </summary>
    private async Task CreateHandingOverAsync(
        IReadOnlyList<NewWorkflow> workflows, int handedOverCount, DateTimeOffset now, ClaimedTask?[] handedOver,
        CancellationToken cancellationToken)
    {
        // The times written are answered too (the handed-over tasks' leases), so they are cut as the columns keep them.
        var storedNow = MySqlTime.Kept(now);
        object boxedNow = MySqlTime.ToDatabase(storedNow);
        await using var values = PositionalCommand.Rent();
        foreach (var started in workflows)
        {
            AddWorkflowValues(values, started);
        }

        foreach (var (workflow, firstTask, handOver) in workflows)
        {
            values.AddValue(workflow.Id.Value);
            values.AddValue(firstTask.StepIndex);
            values.AddValue(firstTask.TaskName);
            values.AddValue(handOver is null ? firstTask.Status.ToName() : FirstStepHandOver.TaskStatus.ToName());
            values.AddValue(handOver is null ? firstTask.Attempt : FirstStepHandOver.Attempt);
            values.AddValue(firstTask.MaxAttempts);
            values.AddValue(firstTask.InputPayload);
            values.AddValue(handOver?.Holder);
            values.AddValue(handOver is null ? null : MySqlTime.ToDatabase(handOver.LeaseExpiresAt(storedNow)));
            values.AddValue(handOver?.Holder);
            values.AddValue(MySqlTime.ToDatabase(firstTask.ScheduledAt));
            values.AddValue(MySqlTime.ToDatabase(firstTask.CreatedAt));
            values.AddValue(MySqlTime.ToDatabase(firstTask.UpdatedAt));
        }

        var created = new NewActivity[workflows.Count];
        for (var i = 0; i < created.Length; i++)
        {
            created[i] = workflows[i].CreationLog()[0];
        }

        ActivityLog.AddValues(values, created);
        foreach (var (workflow, firstTask, handOver) in workflows)
        {
            if (handOver is null)
            {
                continue;
            }

            // The task's id is the server's, read back in the statement (MySqlStartHandOverSql): none is known here.
            var started = handOver.Log(firstTask, taskId: null, storedNow)[0];
            values.AddValue(workflow.Id.Value);
            values.AddValue(workflow.Id.Value);
            values.AddValue(firstTask.StepIndex);
            values.AddValue(started.Action);
            values.AddValue(started.Details);
            values.AddValue(boxedNow);
        }

        foreach (var started in workflows)
        {
            if (started.HandOver is not null)
            {
                values.AddValue(started.Workflow.Id.Value);
            }
        }

        values.CommandText = MySqlStartHandOverSql.CreateMany(workflows.Count, handedOverCount);

        var taskIds = new Dictionary<Guid, long>(handedOverCount);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = new InlineTransaction(connection);
        values.Connection = connection;
        transaction.Begun();
        await using (var results = await values.ExecuteReaderAsync(cancellationToken))
        {
            // The handed-over tasks' ids, by column position: id, workflow id.
            while (await results.ReadAsync(cancellationToken))
            {
                taskIds.Add(results.GetGuid(1), results.GetInt64(0));
            }

            // The commit follows: reading on surfaces its error, if any, before the transaction is said to be committed.
            while (await results.NextResultAsync(cancellationToken))
            {
            }
        }

        transaction.Committed();
        for (var i = 0; i < workflows.Count; i++)
        {
            if (workflows[i].HandOver is not null)
            {
                handedOver[i] = ClaimedTask.FirstHandedOver(new TaskId(taskIds[workflows[i].Workflow.Id.Value]), workflows[i], storedNow);
            }
        }
    }
}
