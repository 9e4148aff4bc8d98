using System.ComponentModel.DataAnnotations;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Where GoFlow's embedded SQLite database file is and how long an operation waits for the write lock. Bound from the
/// <c>Sqlite</c> configuration section (environment <c>Sqlite__Path</c> and so on) and validated at start: a bad value
/// stops the host with a message that names the option.
/// </summary>
/// <remarks>
/// One file serves one host: SQLite takes the write lock for the whole file, and its locks are only as good as the
/// file system's, so several hosts, or a file on a network share, need MySQL instead.
/// </remarks>
public sealed class SqliteOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Sqlite";

    /// <summary>
    /// The database file; a relative path is resolved against the working directory at start. Its folder is created
    /// when missing and <see cref="ApplySchemaOnStart"/> is on. Default: <c>goflow.db</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Sqlite:Path must name the database file.")]
    public string Path { get; set; } = "goflow.db";

    /// <summary>
    /// How long an operation waits for another connection's write lock (SQLite's <c>busy_timeout</c>) before it gives
    /// up and the store reports itself unavailable. Between 1 millisecond and 1 hour. Default: 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the host creates the file (and its folder) when missing and applies schema.sqlite.sql, which only
    /// creates what is missing, at start, before the API and the worker start. Default: true.
    /// </summary>
    public bool ApplySchemaOnStart { get; set; } = true;
}
