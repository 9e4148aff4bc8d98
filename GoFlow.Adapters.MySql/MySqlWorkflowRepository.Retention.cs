using System.Data;
using System.Globalization;
using Dapper;
using GoFlow.Ports.Driven;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>The retention sweep (<see cref="IWorkflowRetention"/>): finished workflows past the retention age are deleted.</summary>
internal sealed partial class MySqlWorkflowRepository
{
    public Task<int> DeleteFinishedAsync(DateTimeOffset finishedBefore, int maxWorkflows, CancellationToken cancellationToken) =>
        MySqlAvailability.RunAsync(async () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWorkflows);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction =
                await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

            var batch = (await connection.QueryAsync<Guid>(new CommandDefinition(
                MySqlRetentionSql.SelectFinishedWorkflows,
                new { FinishedBefore = MySqlTime.ToDatabase(finishedBefore), MaxWorkflows = maxWorkflows },
                transaction,
                cancellationToken: cancellationToken))).AsList();

            var deleted = 0;
            if (batch.Count > 0)
            {
                await using var sweep = new RetentionSweep(connection, transaction);
                foreach (var workflows in batch.Chunk(MySqlRetentionSql.RowsPerStatement))
                {
                    deleted += await sweep.DeleteWholeAsync(workflows, cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return deleted;
        });

    /// <summary>
    /// The deletes of one batch, a part of up to <see cref="MySqlRetentionSql.RowsPerStatement"/> workflows at a time,
    /// each statement a command made once per batch whose parameters (<c>@Row0</c>, ...) take each part's values in turn.
    /// Made per value, the parameters were most of what a batch allocated; and the statements' text is the same for
    /// every batch, so it is sent as is rather than through Dapper, which would keep nothing from it.
    /// </summary>
    private sealed class RetentionSweep(MySqlConnection connection, MySqlTransaction transaction) : IAsyncDisposable
    {
        private readonly RowsCommand _lockChildRows = new(MySqlRetentionSql.LockChildRows, connection, transaction);
        private readonly RowsCommand _deleteActivity = new(MySqlRetentionSql.DeleteActivityRows, connection, transaction);
        private readonly RowsCommand _deleteTasks = new(MySqlRetentionSql.DeleteTaskRows, connection, transaction);
        private readonly RowsCommand _deleteSignals = new(MySqlRetentionSql.DeleteSignalRows, connection, transaction);
        private readonly RowsCommand _deleteWorkflows = new(MySqlRetentionSql.DeleteWorkflowRows, connection, transaction);

        private readonly List<(Guid Workflow, long Id)> _tasks = [];
        private readonly List<(Guid Workflow, long Id)> _activity = [];
        private readonly Dictionary<Guid, (long Tasks, long Activity)> _locked = [];
        private readonly Dictionary<Guid, (long Tasks, long Activity)> _totals = [];
        private readonly List<Guid> _whole = [];
        private readonly HashSet<Guid> _wholeSet = [];
        private readonly List<long> _ids = [];

        /// <summary>
        /// Deletes those of <paramref name="workflows"/> whose every task and activity row this transaction could lock;
        /// the others are being cancelled or retried right now, and left for a later sweep.
        /// </summary>
        /// <returns>How many workflows were deleted.</returns>
        public async Task<int> DeleteWholeAsync(IReadOnlyList<Guid> workflows, CancellationToken cancellationToken)
        {
            await LockChildRowsAsync(workflows, cancellationToken);
            _whole.Clear();
            _wholeSet.Clear();
            foreach (var workflow in workflows)
            {
                if (_locked.GetValueOrDefault(workflow) == _totals.GetValueOrDefault(workflow))
                {
                    _whole.Add(workflow);
                    _wholeSet.Add(workflow);
                }
            }

            if (_whole.Count == 0)
            {
                return 0;
            }

            var activityRows = await DeleteRowsOfWholeAsync(_deleteActivity, _activity, cancellationToken);
            var taskRows = await DeleteRowsOfWholeAsync(_deleteTasks, _tasks, cancellationToken);
            await _deleteSignals.ExecuteAsync(_whole, cancellationToken);
            var workflowRows = await _deleteWorkflows.ExecuteAsync(_whole, cancellationToken);
            if (workflowRows != _whole.Count || !activityRows.AllDeleted || !taskRows.AllDeleted)
            {
                // The rows are locked by the reads before, so only a broken invariant gets here; the caller's transaction
                // rolls back what was deleted.
                throw new InvalidOperationException(
                    $"The retention sweep locked {_whole.Count} finished workflows with their task and activity rows but " +
                    $"deleted {workflowRows} workflows, {taskRows.Deleted} of {taskRows.Locked} task rows and " +
                    $"{activityRows.Deleted} of {activityRows.Locked} activity rows; nothing was deleted.");
            }

            return _whole.Count;
        }

        public async ValueTask DisposeAsync()
        {
            await _lockChildRows.DisposeAsync();
            await _deleteActivity.DisposeAsync();
            await _deleteTasks.DisposeAsync();
            await _deleteSignals.DisposeAsync();
            await _deleteWorkflows.DisposeAsync();
        }

        private async Task LockChildRowsAsync(IReadOnlyList<Guid> workflows, CancellationToken cancellationToken)
        {
            _tasks.Clear();
            _activity.Clear();
            _locked.Clear();
            _totals.Clear();
            await using var reader = await _lockChildRows.ExecuteReaderAsync(workflows, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _tasks.Add((reader.GetGuid(0), reader.GetInt64(1)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _totals[reader.GetGuid(0)] = (reader.GetInt64(1), 0);
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _activity.Add((reader.GetGuid(0), reader.GetInt64(1)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var workflow = reader.GetGuid(0);
                _totals[workflow] = (_totals.GetValueOrDefault(workflow).Tasks, reader.GetInt64(1));
            }

            foreach (var (workflow, _) in _tasks)
            {
                var locked = _locked.GetValueOrDefault(workflow);
                _locked[workflow] = (locked.Tasks + 1, locked.Activity);
            }

            foreach (var (workflow, _) in _activity)
            {
                var locked = _locked.GetValueOrDefault(workflow);
                _locked[workflow] = (locked.Tasks, locked.Activity + 1);
            }
        }

        /// <summary>Deletes those of the locked <paramref name="rows"/> that belong to a whole workflow.</summary>
        private async Task<RowsDeleted> DeleteRowsOfWholeAsync(
            RowsCommand delete, List<(Guid Workflow, long Id)> rows, CancellationToken cancellationToken)
        {
            _ids.Clear();
            foreach (var (workflow, id) in rows)
            {
                if (_wholeSet.Contains(workflow))
                {
                    _ids.Add(id);
                }
            }

            var deleted = 0;
            foreach (var part in _ids.Chunk(MySqlRetentionSql.RowsPerStatement))
            {
                deleted += await delete.ExecuteAsync(part, cancellationToken);
            }

            return new RowsDeleted(_ids.Count, deleted);
        }

        private readonly record struct RowsDeleted(int Locked, int Deleted)
        {
            public bool AllDeleted => Deleted == Locked;
        }
    }

    /// <summary>
    /// A statement of the sweep over up to <see cref="MySqlRetentionSql.RowsPerStatement"/> rows (<c>@Row0</c>, ...), made
    /// once, run with each part's values: a part with fewer rows repeats its last value, which the statement's <c>IN</c>
    /// list reads once.
    /// </summary>
    private sealed class RowsCommand : IAsyncDisposable
    {
        private readonly MySqlCommand _command;

        public RowsCommand(string sql, MySqlConnection connection, MySqlTransaction transaction)
        {
            _command = new MySqlCommand(sql, connection, transaction);
            for (var row = 0; row < MySqlRetentionSql.RowsPerStatement; row++)
            {
                _command.Parameters.Add(new MySqlParameter(
                    MySqlRetentionSql.RowParameter + row.ToString(CultureInfo.InvariantCulture), value: null));
            }
        }

        public Task<int> ExecuteAsync<T>(IReadOnlyList<T> values, CancellationToken cancellationToken)
        {
            Bind(values);
            return _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public Task<MySqlDataReader> ExecuteReaderAsync<T>(IReadOnlyList<T> values, CancellationToken cancellationToken)
        {
            Bind(values);
            return _command.ExecuteReaderAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();

        private void Bind<T>(IReadOnlyList<T> values)
        {
            ArgumentOutOfRangeException.ThrowIfZero(values.Count);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(values.Count, MySqlRetentionSql.RowsPerStatement);
            for (var row = 0; row < MySqlRetentionSql.RowsPerStatement; row++)
            {
                _command.Parameters[row].Value = values[Math.Min(row, values.Count - 1)];
            }
        }
    }
}
