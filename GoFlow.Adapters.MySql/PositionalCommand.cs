using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// A command whose values are positional (<see cref="PositionalValues"/>), taken from a small pool together with the
/// value holders (<see cref="MySqlParameter"/>) of its earlier uses. A group of 100 completions binds about 2,700 values,
/// and a new holder for each, in a collection grown for each command, was the most the MySQL hot path allocated
/// (docs/benchmarks.md, issue 16, round five): a holder is an object of 88 bytes per value, whatever the value.
/// Disposing it gives it back with its values, connection and transaction cleared, so that the pool keeps no payload,
/// and no connection, alive.
/// </summary>
internal sealed class PositionalCommand : IAsyncDisposable
{
    /// <summary>How many commands the pool keeps: enough for the statements in flight at once (claims, group commits,
    /// groups of starts); a command rented beyond them is made and dropped as before.</summary>
    private const int PooledCommands = 16;

    /// <summary>How many value holders a pooled command keeps at most (88 bytes each), so that one very large
    /// batch does not stay in memory as a pool of holders.</summary>
    private const int KeptValues = 4_096;

    /// <summary>The ints below this are boxed once (<see cref="AddValue(int)"/>).</summary>
    private const int SmallInts = 64;

    private static readonly CommandPool Shared = new();

    private static readonly object[] BoxedSmallInts = [.. Enumerable.Range(0, SmallInts).Select(value => (object)value)];

    private readonly CommandPool _pool;
    private readonly MySqlCommand _command = new();
    private readonly List<MySqlParameter> _holders = [];
    private int _used;
    private bool _rented;

    private PositionalCommand(CommandPool pool)
    {
        _pool = pool;
    }

    /// <summary>The statements the values are for, one <c>?</c> per value, in the order the values are added.</summary>
    public string CommandText
    {
        get => _command.CommandText;
        set => _command.CommandText = value;
    }

    /// <summary>The connection the command runs on, given when it is rented or later.</summary>
    public MySqlConnection? Connection
    {
        get => _command.Connection;
        set => _command.Connection = value;
    }

    /// <summary>
    /// How many values have been added. Production does not ask; the placeholder tests do (PositionalValuesTests): they
    /// hold each batch's count of values to its count of <c>?</c> for shapes no test database could easily hold rows for.
    /// </summary>
    public int Count => _used;

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> (both may be set later), with no values yet.</summary>
    public static PositionalCommand Rent(MySqlConnection? connection = null, MySqlTransaction? transaction = null) =>
        Shared.Rent(connection, transaction);

    /// <summary>Adds the next value, the one the next <c>?</c> of the text stands for.</summary>
    public void AddValue(object? value)
    {
        MySqlParameter holder;
        if (_used < _holders.Count)
        {
            holder = _holders[_used];
        }
        else
        {
            holder = new MySqlParameter();
            if (_holders.Count < KeptValues)
            {
                _holders.Add(holder);
            }
        }

        DriverValueTypes.Assign(holder, value);
        _command.Parameters.Add(holder);
        _used++;
    }

    /// <summary>
    /// Adds the next value, an int: the small ones (step indexes, attempts) are boxed once for the process, as a value
    /// holder keeps its value as an object.
    /// </summary>
    public void AddValue(int value) => AddValue(value is >= 0 and < SmallInts ? BoxedSmallInts[value] : value);

    /// <summary>Runs the statements and hands out their results.</summary>
    public Task<MySqlDataReader> ExecuteReaderAsync(CancellationToken cancellationToken) =>
        _command.ExecuteReaderAsync(cancellationToken);

    /// <summary>Runs the statements, which return no rows, and answers how many rows they changed.</summary>
    public Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => _command.ExecuteNonQueryAsync(cancellationToken);

    /// <summary>
    /// Gives the command back to the pool, or leaves it to the GC when its execution failed before the driver handed out
    /// a reader. Never throws: it runs on the way out of a failed statement too, whose exception must reach the caller.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (!_rented)
        {
            return ValueTask.CompletedTask;
        }

        _rented = false;
        _command.Parameters.Clear();
        for (var i = 0; i < Math.Min(_used, _holders.Count); i++)
        {
            _holders[i].Value = DBNull.Value;
        }

        _used = 0;
        try
        {
            _command.CommandText = null;
            _command.Transaction = null;
            _command.Connection = null;
        }
        catch (InvalidOperationException)
        {
            // The driver still counts the command as running on its connection: its execution failed before a reader
            // was handed out (a packet over the server's limit, a connection cut off). That connection is closed with
            // its transaction by the caller; this command is not pooled.
            return ValueTask.CompletedTask;
        }

        _pool.Keep(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The commands kept for reuse. Production rents from one shared by the process (<see cref="PositionalCommand.Rent"/>);
    /// a test of the pool itself rents from one of its own, so that what it observes (the same command handed out again)
    /// does not depend on what other tests, or a host's background work, rent from the shared one meanwhile.
    /// </summary>
    internal sealed class CommandPool
    {
        private readonly Stack<PositionalCommand> _kept = new(PooledCommands);

        /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> (both may be set later), with no values yet.</summary>
        public PositionalCommand Rent(MySqlConnection? connection = null, MySqlTransaction? transaction = null)
        {
            PositionalCommand? command;
            lock (_kept)
            {
                _kept.TryPop(out command);
            }

            command ??= new PositionalCommand(this);
            command._rented = true;
            command._command.Connection = connection;
            command._command.Transaction = transaction;
            return command;
        }

        /// <summary>Keeps a command given back, cleared, unless the pool is full.</summary>
        public void Keep(PositionalCommand command)
        {
            lock (_kept)
            {
                if (_kept.Count < PooledCommands)
                {
                    _kept.Push(command);
                }
            }
        }
    }
}
