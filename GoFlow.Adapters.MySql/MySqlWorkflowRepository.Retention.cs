using System.Data;
using System.Globalization;
using System.Text;
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
                foreach (var workflows in batch.Chunk(MySqlRetentionSql.IdsPerStatement))
                {
                    deleted += await sweep.DeleteWholeAsync(workflows, cancellationToken);
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return deleted;
        });

    /// <summary>
    /// The deletes of one batch, a part of up to <see cref="MySqlRetentionSql.IdsPerStatement"/> workflows at a time,
    /// each statement a command made once per batch that takes each part's ids in turn. Their text is the same for every
    /// batch, and their one parameter a string, so they are sent as they are rather than through Dapper.
    /// </summary>
    private sealed class RetentionSweep(MySqlConnection connection, MySqlTransaction transaction) : IAsyncDisposable
    {
        private readonly IdsCommand _lockChildRows = new(MySqlRetentionSql.LockChildRows, connection, transaction);
        private readonly IdsCommand _deleteActivity = new(MySqlRetentionSql.DeleteActivityRows, connection, transaction);
        private readonly IdsCommand _deleteTasks = new(MySqlRetentionSql.DeleteTaskRows, connection, transaction);
        private readonly IdsCommand _deleteSignals = new(MySqlRetentionSql.DeleteSignalRows, connection, transaction);
        private readonly IdsCommand _deleteWorkflows = new(MySqlRetentionSql.DeleteWorkflowRows, connection, transaction);

        // A part's rows name their workflow by its place in the part: 16 bytes a row rather than 24 with its id, which
        // keeps the list of a part's activity rows (about 4,000) below the large object heap's threshold.
        private readonly Dictionary<Guid, int> _places = [];
        private readonly List<(int Workflow, long Id)> _tasks = [];
        private readonly List<(int Workflow, long Id)> _activity = [];
        private readonly long[] _lockedRows = new long[MySqlRetentionSql.IdsPerStatement];
        private readonly long[] _totalRows = new long[MySqlRetentionSql.IdsPerStatement];
        private readonly List<Guid> _whole = [];
        private readonly bool[] _isWhole = new bool[MySqlRetentionSql.IdsPerStatement];
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
            for (var place = 0; place < workflows.Count; place++)
            {
                _isWhole[place] = _lockedRows[place] == _totalRows[place];
                if (_isWhole[place])
                {
                    _whole.Add(workflows[place]);
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

        /// <summary>
        /// Locks the part's task and activity rows it can, and counts per workflow the rows it locked and the rows it
        /// has: a workflow is whole when the two are equal.
        /// </summary>
        private async Task LockChildRowsAsync(IReadOnlyList<Guid> workflows, CancellationToken cancellationToken)
        {
            _places.Clear();
            for (var place = 0; place < workflows.Count; place++)
            {
                _places[workflows[place]] = place;
            }

            _tasks.Clear();
            _activity.Clear();
            Array.Clear(_lockedRows);
            Array.Clear(_totalRows);
            await using var reader = await _lockChildRows.ExecuteReaderAsync(workflows, cancellationToken);
            await ReadLockedAsync(reader, _tasks, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await ReadTotalsAsync(reader, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await ReadLockedAsync(reader, _activity, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await ReadTotalsAsync(reader, cancellationToken);
        }

        private async Task ReadLockedAsync(MySqlDataReader reader, List<(int Workflow, long Id)> rows, CancellationToken cancellationToken)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var place = _places[reader.GetGuid(0)];
                rows.Add((place, reader.GetInt64(1)));
                _lockedRows[place]++;
            }
        }

        private async Task ReadTotalsAsync(MySqlDataReader reader, CancellationToken cancellationToken)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                _totalRows[_places[reader.GetGuid(0)]] += reader.GetInt64(1);
            }
        }

        /// <summary>Deletes those of the locked <paramref name="rows"/> that belong to a whole workflow.</summary>
        private async Task<RowsDeleted> DeleteRowsOfWholeAsync(
            IdsCommand delete, List<(int Workflow, long Id)> rows, CancellationToken cancellationToken)
        {
            _ids.Clear();
            foreach (var (workflow, id) in rows)
            {
                if (_isWhole[workflow])
                {
                    _ids.Add(id);
                }
            }

            var deleted = 0;
            foreach (var part in _ids.Chunk(MySqlRetentionSql.IdsPerStatement))
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
    /// A statement of the sweep over up to <see cref="MySqlRetentionSql.IdsPerStatement"/> ids, made once per batch and
    /// run with each part's ids, written as the JSON array <c>@Ids</c> into a builder that keeps its buffer from part to
    /// part.
    /// </summary>
    private sealed class IdsCommand : IAsyncDisposable
    {
        private readonly MySqlCommand _command;
        private readonly MySqlParameter _ids = new("@Ids", MySqlDbType.String);
        private readonly StringBuilder _json = new();

        public IdsCommand(string sql, MySqlConnection connection, MySqlTransaction transaction)
        {
            _command = new MySqlCommand(sql, connection, transaction);
            _command.Parameters.Add(_ids);
        }

        public Task<int> ExecuteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
        {
            Bind(ids, quoted: false);
            return _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public Task<int> ExecuteAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
        {
            Bind(ids, quoted: true);
            return _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public Task<MySqlDataReader> ExecuteReaderAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
        {
            Bind(ids, quoted: true);
            return _command.ExecuteReaderAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();

        /// <summary>Numbers as they are, ids as strings: neither has a character JSON would escape.</summary>
        private void Bind<T>(IReadOnlyList<T> ids, bool quoted)
            where T : ISpanFormattable
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(ids.Count, MySqlRetentionSql.IdsPerStatement);
            var quote = quoted ? "\"" : string.Empty;
            _json.Clear().Append('[');
            for (var i = 0; i < ids.Count; i++)
            {
                _json.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ",")}{quote}{ids[i]}{quote}");
            }

            _ids.Value = _json.Append(']').ToString();
        }
    }
}
