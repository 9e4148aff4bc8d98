using System.Data.Common;
using System.Text.Json;
using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks.Raw;

/// <summary>What the loops of one raw replay share: how many workflows are left, and what went wrong on the way.</summary>
internal sealed class RawReplayProgress(long workflows)
{
    private long _remaining = workflows;
    private long _transactions;
    private long _retries;
    private long _emptyClaims;

    public long Remaining => Interlocked.Read(ref _remaining);

    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Transactions run again after a deadlock, a lock wait timeout or a busy database.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Claims that found nothing: the other loops held the remaining tasks.</summary>
    public long EmptyClaims => Interlocked.Read(ref _emptyClaims);

    public void Finished(int workflows) => Interlocked.Add(ref _remaining, -workflows);

    public void Committed() => Interlocked.Increment(ref _transactions);

    public void Retried() => Interlocked.Increment(ref _retries);

    public void FoundNothing() => Interlocked.Increment(ref _emptyClaims);
}

/// <summary>
/// One connection of the raw replay: claims up to T tasks, "runs" them (a no-op: the output is the input), completes
/// them, and again, until every seeded workflow is COMPLETED. Plain ADO.NET commands, no engine code. In
/// <see cref="RawReplayMode.HandOver"/> the tasks handed over by a completion are run next, and a claim only fills the
/// batch up to T.
/// </summary>
internal sealed class RawStepLoop(
    BenchmarkStore store, RawReplayProgress progress, RawReplayMode mode, int batch, int steps, string owner, TimeProvider time)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly RawStepSql _sql = store.RawSql;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var held = new List<ClaimedRow>();
        while (progress.Remaining > 0)
        {
            if (held.Count < batch)
            {
                var wanted = batch - held.Count;
                held.AddRange(await RetryingAsync(() => ClaimAsync(connection, wanted, cancellationToken)));
            }

            if (held.Count == 0)
            {
                progress.FoundNothing();

                // The other loops hold what is left, and their completions will queue the next steps.
                await Task.Delay(TimeSpan.FromMilliseconds(1), time, cancellationToken);
                continue;
            }

            var running = held;
            var (finished, handedOver) = mode == RawReplayMode.HandOver
                ? await RetryingAsync(() => CompleteAndHandOverAsync(connection, running, cancellationToken))
                : (await RetryingAsync(() => CompleteAsync(connection, running, cancellationToken)), []);
            progress.Finished(finished);
            held = [.. handedOver];
        }
    }

    private async Task<IReadOnlyList<ClaimedRow>> ClaimAsync(DbConnection connection, int wanted, CancellationToken cancellationToken)
    {
        using var writer = await WriterTurn.TakeAsync(store.WriterGate, cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        var now = time.GetUtcNow();
        var claimed = new List<ClaimedRow>(wanted);
        await using (var select = Command(connection, transaction, _sql.ClaimSelect, ("@Now", store.ToDatabase(now)), ("@Limit", wanted)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedRow(
                    reader.GetInt64(0),
                    BenchmarkStore.ReadId(reader, 1),
                    reader.GetInt32(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetInt32(5) + 1,
                    reader.GetInt32(6),
                    reader.GetString(8)));
            }
        }

        if (claimed.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return claimed;
        }

        var workflows = claimed.Select(task => task.WorkflowId).Distinct(StringComparer.Ordinal).ToList();
        var parameters = new List<(string, object?)>
        {
            ("@Owner", owner),
            ("@Lease", store.ToDatabase(now + Lease)),
            ("@Now", store.ToDatabase(now)),
        };
        for (var i = 0; i < claimed.Count; i++)
        {
            parameters.Add(($"@T{i}", claimed[i].Id));
            parameters.Add(($"@TW{i}", claimed[i].WorkflowId));
            parameters.Add(($"@TD{i}", TaskDetails(claimed[i].TaskName, claimed[i].Attempt)));
        }

        for (var j = 0; j < workflows.Count; j++)
        {
            parameters.Add(($"@W{j}", workflows[j]));
        }

        await using (var writes = Command(connection, transaction, _sql.ClaimWrites(claimed.Count, workflows.Count), [.. parameters]))
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        progress.Committed();
        return claimed;
    }

    /// <returns>How many workflows the completion finished.</returns>
    private async Task<int> CompleteAsync(
        DbConnection connection, IReadOnlyList<ClaimedRow> claimed, CancellationToken cancellationToken)
    {
        using var writer = await WriterTurn.TakeAsync(store.WriterGate, cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        var now = time.GetUtcNow();
        var tasks = await FenceAsync(connection, transaction, claimed, cancellationToken);
        if (tasks.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        var advanced = tasks.Where(task => task.StepIndex + 1 < steps).ToList();
        var finished = tasks.Where(task => task.StepIndex + 1 >= steps).ToList();
        var parameters = new List<(string, object?)> { ("@Now", store.ToDatabase(now)) };
        for (var i = 0; i < tasks.Count; i++)
        {
            parameters.Add(($"@T{i}", tasks[i].Id));
            parameters.Add(($"@TO{i}", tasks[i].Input));
            parameters.Add(($"@TW{i}", tasks[i].WorkflowId));
            parameters.Add(($"@TD{i}", TaskDetails(tasks[i].TaskName, tasks[i].Attempt)));
        }

        AddAdvanced(parameters, advanced);
        AddFinished(parameters, finished);
        await using (var writes = Command(
            connection, transaction, _sql.CompleteWrites(tasks.Count, advanced.Count, finished.Count), [.. parameters]))
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        progress.Committed();
        return finished.Count;
    }

    /// <returns>How many workflows the completion finished, and the next steps' tasks it handed over to this loop.</returns>
    private async Task<(int Finished, IReadOnlyList<ClaimedRow> HandedOver)> CompleteAndHandOverAsync(
        DbConnection connection, IReadOnlyList<ClaimedRow> claimed, CancellationToken cancellationToken)
    {
        using var writer = await WriterTurn.TakeAsync(store.WriterGate, cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        var now = time.GetUtcNow();
        var tasks = await FenceAsync(connection, transaction, claimed, cancellationToken);
        if (tasks.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return (0, []);
        }

        var advanced = tasks.Where(task => task.StepIndex + 1 < steps).ToList();
        var finished = tasks.Where(task => task.StepIndex + 1 >= steps).ToList();
        var parameters = new List<(string, object?)>
        {
            ("@Now", store.ToDatabase(now)),
            ("@Owner", owner),
            ("@Lease", store.ToDatabase(now + Lease)),
        };
        for (var i = 0; i < tasks.Count; i++)
        {
            parameters.Add(($"@T{i}", tasks[i].Id));
            parameters.Add(($"@TO{i}", tasks[i].Input));
        }

        AddAdvanced(parameters, advanced);
        var handedOver = new List<ClaimedRow>(advanced.Count);
        await using (var writes = Command(connection, transaction, _sql.CompleteAndHandOver(tasks.Count, advanced.Count), [.. parameters]))
        await using (var reader = await writes.ExecuteReaderAsync(cancellationToken))
        {
            var byWorkflow = advanced.ToDictionary(task => task.WorkflowId, StringComparer.Ordinal);
            while (advanced.Count > 0 && await reader.ReadAsync(cancellationToken))
            {
                var before = byWorkflow[BenchmarkStore.ReadId(reader, 1)];
                handedOver.Add(before with
                {
                    Id = reader.GetInt64(0),
                    StepIndex = before.StepIndex + 1,
                    TaskName = NextTaskName(before),
                    Attempt = 1,
                });
            }
        }

        var log = new List<(string Workflow, long? Task, string Action, string Details)>();
        log.AddRange(tasks.Select(task => (task.WorkflowId, (long?)task.Id, "TASK_COMPLETED", TaskDetails(task.TaskName, task.Attempt))));
        log.AddRange(finished.Select(task => (task.WorkflowId, (long?)null, "WORKFLOW_COMPLETED", WorkflowDetails(task.WorkflowName))));
        log.AddRange(handedOver.Select(task => (task.WorkflowId, (long?)task.Id, "TASK_STARTED", TaskDetails(task.TaskName, task.Attempt))));
        parameters = [("@Now", store.ToDatabase(now))];
        AddAdvanced(parameters, advanced);
        AddFinished(parameters, finished);
        for (var i = 0; i < log.Count; i++)
        {
            parameters.Add(($"@LW{i}", log[i].Workflow));
            parameters.Add(($"@LT{i}", log[i].Task));
            parameters.Add(($"@LA{i}", log[i].Action));
            parameters.Add(($"@LD{i}", log[i].Details));
        }

        await using (var writes = Command(
            connection, transaction, _sql.MoveWorkflowsAndLog(advanced.Count, finished.Count, log.Count), [.. parameters]))
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        progress.Committed();
        return (finished.Count, handedOver);
    }

    /// <summary>The fencing read: the tasks of <paramref name="claimed"/> this owner still holds, locked until COMMIT.</summary>
    private async Task<List<ClaimedRow>> FenceAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<ClaimedRow> claimed, CancellationToken cancellationToken)
    {
        var fence = new List<(string, object?)> { ("@Owner", owner) };
        for (var i = 0; i < claimed.Count; i++)
        {
            fence.Add(($"@T{i}", claimed[i].Id));
        }

        var held = new HashSet<long>();
        await using (var select = Command(connection, transaction, _sql.FenceSelect(claimed.Count), [.. fence]))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                held.Add(reader.GetInt64(0));
            }
        }

        return claimed.Where(task => held.Contains(task.Id)).ToList();
    }

    private static void AddAdvanced(List<(string, object?)> parameters, List<ClaimedRow> advanced)
    {
        for (var i = 0; i < advanced.Count; i++)
        {
            parameters.Add(($"@AW{i}", advanced[i].WorkflowId));
            parameters.Add(($"@AS{i}", advanced[i].StepIndex + 1));
            parameters.Add(($"@AN{i}", NextTaskName(advanced[i])));
            parameters.Add(($"@AM{i}", advanced[i].MaxAttempts));
            parameters.Add(($"@AI{i}", advanced[i].Input));
        }
    }

    private static void AddFinished(List<(string, object?)> parameters, List<ClaimedRow> finished)
    {
        for (var i = 0; i < finished.Count; i++)
        {
            parameters.Add(($"@FW{i}", finished[i].WorkflowId));
            parameters.Add(($"@FI{i}", finished[i].Input));
            parameters.Add(($"@FD{i}", WorkflowDetails(finished[i].WorkflowName)));
        }
    }

    private static string NextTaskName(ClaimedRow task) => WorkflowNames.NoopTask(task.StepIndex + 1);

    private static string WorkflowDetails(string workflowName) =>
        $$$"""{"workflow_name":{{{JsonSerializer.Serialize(workflowName)}}}}""";

    private async Task<T> RetryingAsync<T>(Func<Task<T>> transaction)
    {
        while (true)
        {
            try
            {
                return await transaction();
            }
            catch (DbException exception) when (store.IsTransient(exception))
            {
                // A deadlock or a busy database rolled the transaction back; the tasks it held are still held (a
                // completion) or still PENDING (a claim), so running it again is what the engine would do.
                progress.Retried();
            }
        }
    }

    private static string TaskDetails(string taskName, int attempt) =>
        $$$"""{"task_name":{{{JsonSerializer.Serialize(taskName)}}},"attempt":{{{attempt}}}}""";

    private static DbCommand Command(
        DbConnection connection, DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = BenchmarkStore.Command(connection, sql, parameters);
        command.Transaction = transaction;
        return command;
    }

    /// <param name="Attempt">The attempt the claim starts: the stored attempt plus one.</param>
    private sealed record ClaimedRow(
        long Id, string WorkflowId, int StepIndex, string TaskName, string Input, int Attempt, int MaxAttempts, string WorkflowName);

    /// <summary>This loop's turn at the store's writer gate, when it has one; released on dispose.</summary>
    private sealed class WriterTurn(SemaphoreSlim? gate) : IDisposable
    {
        public static async Task<WriterTurn> TakeAsync(SemaphoreSlim? gate, CancellationToken cancellationToken)
        {
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            return new WriterTurn(gate);
        }

        public void Dispose() => gate?.Release();
    }
}
