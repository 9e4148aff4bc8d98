using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite;

/// <summary>The rules <see cref="SqliteOptions"/> data annotations cannot state.</summary>
internal sealed class SqliteOptionsValidator : IValidateOptions<SqliteOptions>
{
    /// <summary>
    /// A longer wait is a misconfiguration rather than a choice: every request and every worker would stall behind it.
    /// It also keeps the value within SQLite's busy_timeout, an int of milliseconds.
    /// </summary>
    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, SqliteOptions options)
    {
        var failures = new List<string>();
        ValidatePath(options.Path, failures);

        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout > MaxBusyTimeout)
        {
            failures.Add($"Sqlite:BusyTimeout must be between 00:00:00.001 and {MaxBusyTimeout:c}, not {options.BusyTimeout:c}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidatePath(string? path, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            // Data annotations report it too, but this validator may run first; one clear message is enough either way.
            failures.Add("Sqlite:Path must name the database file.");
            return;
        }

        // An in-memory database lives in one connection, so every pooled connection would see a different, empty one.
        if (path.Trim() == ":memory:" || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Sqlite:Path must be a file path, not '{path}': GoFlow keeps its workflows in a file.");
            return;
        }

        string fullPath;
        try
        {
            fullPath = System.IO.Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            failures.Add($"Sqlite:Path '{path}' is not a valid file path: {exception.Message}");
            return;
        }

        if (Directory.Exists(fullPath))
        {
            failures.Add($"Sqlite:Path '{path}' is a folder; name the database file in it, such as '{System.IO.Path.Combine(path, "goflow.db")}'.");
        }
    }
}
