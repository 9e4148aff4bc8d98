using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Whether a connection's database file is still the file at its path, asked through SQLite's own file control
/// (ADR 0036).
/// </summary>
/// <remarks>
/// SQLitePCL 2.1 does not expose <c>sqlite3_file_control</c>, so it is called in the native library SQLitePCL itself
/// loaded (<see cref="SqliteNative"/>), on the handle of the connection. With another SQLite library under SQLitePCL the
/// question falls back to whether a file exists at the path, which notices a deleted file but not a replaced one.
/// </remarks>
internal static class SqliteFileMoves
{
    // sqlite3.h: SQLITE_FCNTL_HAS_MOVED.
    private const int HasMovedControl = 20;

    /// <summary>
    /// Whether the file <paramref name="connection"/> has open was deleted or renamed since it was opened, so that
    /// <paramref name="path"/> no longer names it: SQLite compares the file's identity (its inode) with the path's, one
    /// <c>stat</c> of the path, about as cheap as asking whether the file exists.
    /// </summary>
    public static bool HasMoved(SqliteConnection connection, string path)
    {
        if (SqliteNative.Bundled && connection.Handle is { } handle)
        {
            var moved = 0;
            if (SqliteNative.FileControl(handle.DangerousGetHandle(), 0, HasMovedControl, ref moved) == raw.SQLITE_OK)
            {
                return moved != 0;
            }
        }

        return !File.Exists(path);
    }

    /// <summary>
    /// Closes a connection rather than pool it, and empties the pool: for a connection left inside a transaction, and for
    /// one whose file is no longer at its path, so that no pooled connection on that file is handed out again (the
    /// pool's idle ones are closed now, those in use when they come back). Closing them is safe for the file now at the
    /// path: SQLite's last connection to a file deletes the -wal and -shm files at the file's path, which would be the new
    /// file's, but not when its file has moved (it then neither checkpoints nor deletes, <c>sqlite3PagerClose</c>), as
    /// SqliteFileReplacedTests checks.
    /// </summary>
    public static void Retire(SqliteConnection connection)
    {
        SqliteConnection.ClearPool(connection);
        connection.Dispose();
    }
}
