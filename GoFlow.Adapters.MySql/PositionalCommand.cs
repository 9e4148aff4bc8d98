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

    private static readonly Stack<PositionalCommand> Pool = new(PooledCommands);

    private static readonly object[] BoxedSmallInts = [.. Enumerable.Range(0, SmallInts).Select(value => (object)value)];

    private readonly List<MySqlParameter> _holders = [];
    private int _used;
    private bool _rented;

    private PositionalCommand()
    {
    }

    /// <summary>The command, its text still to be set, its values added through <see cref="AddValue(object?)"/>.</summary>
    public MySqlCommand Command { get; } = new();

    /// <summary>How many values have been added.</summary>
    public int Count => _used;

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> (both may be set later), with no values yet.</summary>
    public static PositionalCommand Rent(MySqlConnection? connection = null, MySqlTransaction? transaction = null)
    {
        PositionalCommand? command;
        lock (Pool)
        {
            Pool.TryPop(out command);
        }

        command ??= new PositionalCommand();
        command._rented = true;
        command.Command.Connection = connection;
        command.Command.Transaction = transaction;
        return command;
    }

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

        holder.Value = value ?? DBNull.Value;
        Command.Parameters.Add(holder);
        _used++;
    }

    /// <summary>
    /// Adds the next value, an int: the small ones (step indexes, attempts) are boxed once for the process, as a value
    /// holder keeps its value as an object.
    /// </summary>
    public void AddValue(int value) => AddValue(value is >= 0 and < SmallInts ? BoxedSmallInts[value] : value);

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
        Command.Parameters.Clear();
        for (var i = 0; i < Math.Min(_used, _holders.Count); i++)
        {
            _holders[i].Value = DBNull.Value;
        }

        _used = 0;
        try
        {
            Command.CommandText = null;
            Command.Transaction = null;
            Command.Connection = null;
        }
        catch (InvalidOperationException)
        {
            // The driver still counts the command as running on its connection: its execution failed before a reader
            // was handed out (a packet over the server's limit, a connection cut off). That connection is closed with
            // its transaction by the caller; this command is not pooled.
            return ValueTask.CompletedTask;
        }

        lock (Pool)
        {
            if (Pool.Count < PooledCommands)
            {
                Pool.Push(this);
            }
        }

        return ValueTask.CompletedTask;
    }
}
