using Microsoft.Extensions.Options;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>The rules that span several <see cref="MySqlOptions"/> fields; single-field ranges are data annotations.</summary>
internal sealed class MySqlOptionsValidator : IValidateOptions<MySqlOptions>
{
    public ValidateOptionsResult Validate(string? name, MySqlOptions options)
    {
        var failures = new List<string>();

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            ValidateConnectionString(options.ConnectionString, failures);
        }
        else if (string.IsNullOrWhiteSpace(options.Host) || string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add(
                "MySql:ConnectionString is not set, so MySql:Host and MySql:Database are required " +
                $"(MySql:Host is '{options.Host}', MySql:Database is '{options.Database}').");
        }

        if (options.MaxLifetime < TimeSpan.Zero)
        {
            failures.Add($"MySql:MaxLifetime must be zero (no limit) or positive, not {options.MaxLifetime}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateConnectionString(string connectionString, List<string> failures)
    {
        MySqlConnectionStringBuilder builder;
        try
        {
            builder = new MySqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The driver's message names the offending keyword, never the password.
            failures.Add($"MySql:ConnectionString is not a valid MySQL connection string: {exception.Message}");
            return;
        }

        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            failures.Add("MySql:ConnectionString must name the database GoFlow uses (Database=...).");
        }

        // A transaction whose rollback could not be sent on a busy session goes back to the pool open; only the pool's
        // reset before the next use ends it (ADR 0034). Without it the next user would write inside that transaction.
        if (!builder.ConnectionReset)
        {
            failures.Add(
                "MySql:ConnectionString must not set ConnectionReset=false: GoFlow relies on the pool's reset to end a " +
                "transaction a failed write left open (ADR 0034).");
        }
    }
}
