using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Sets the parameters of a command kept compiled on the writers' connection (<see cref="SqliteDatabase.Prepared"/>):
/// its parameters are made on its first run and only given new values after, so a run allocates no parameter objects.
/// </summary>
/// <remarks>
/// The prepared statements are run with the synchronous <c>Execute*</c> methods: Microsoft.Data.Sqlite runs every call
/// in this process on the calling thread, and its asynchronous methods only wrap the finished result in a task.
/// </remarks>
internal static class SqliteCommandParameters
{
    /// <summary>Sets <paramref name="name"/> (with its <c>@</c>) to <paramref name="value"/>; null is SQL NULL.</summary>
    public static SqliteCommand Bind(this SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }
}
