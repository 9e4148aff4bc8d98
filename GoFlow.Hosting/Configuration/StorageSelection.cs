using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace GoFlow.Hosting.Configuration;

/// <summary>The stores GoFlow can keep its workflows in.</summary>
internal enum StoreKind
{
    /// <summary>An embedded SQLite file: the default, for one host.</summary>
    Sqlite,

    /// <summary>A MySQL or MariaDB server: for production, and for several hosts on one database.</summary>
    MySql,
}

/// <summary>
/// Which store this host uses: MySQL when the user configured a MySQL server (<c>MySql:Host</c>, which the original
/// engine's <c>DB_HOST</c> sets from the environment or .env) or a MySQL connection string
/// (<c>MySql:ConnectionString</c>); otherwise the embedded SQLite file (<c>Sqlite:Path</c>, by default goflow.db in
/// the working directory), so that a fresh clone runs with no database server at all.
/// </summary>
internal sealed record StorageSelection(StoreKind Store)
{
    private const string MySqlConnectionStringKey = $"{MySqlOptions.SectionName}:{nameof(MySqlOptions.ConnectionString)}";
    private const string MySqlHostKey = $"{MySqlOptions.SectionName}:{nameof(MySqlOptions.Host)}";

    public static StorageSelection From(IConfiguration configuration) =>
        new(!string.IsNullOrWhiteSpace(configuration[MySqlConnectionStringKey])
            || !string.IsNullOrWhiteSpace(configuration[MySqlHostKey])
                ? StoreKind.MySql
                : StoreKind.Sqlite);

    /// <summary>Where the MySQL store is, for the start-up log: server, port and database, never the credentials.</summary>
    public static string Describe(MySqlOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return $"MySQL database {options.Database} on {options.Host}:{options.Port}";
        }

        var settings = new MySqlConnectionStringBuilder(options.ConnectionString);
        return $"MySQL database {settings.Database} on {settings.Server}:{settings.Port}";
    }

    /// <summary>Where the SQLite store is, for the start-up log: the file's full path.</summary>
    public static string Describe(SqliteOptions options) => $"SQLite database {Path.GetFullPath(options.Path)}";
}

internal static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the <paramref name="store"/>, and a start-up step that logs which store it is and where.</summary>
    public static IServiceCollection AddGoFlowStorage(this IServiceCollection services, StoreKind store)
    {
        var selection = new StorageSelection(store);

        // Registered before the store, whose start-up step applies the schema: the log names the store first, so that
        // a store that cannot be reached is seen to be the one meant.
        services.AddHostedService(provider => new StorageAnnouncement(
            selection.Store == StoreKind.MySql
                ? StorageSelection.Describe(provider.GetRequiredService<IOptions<MySqlOptions>>().Value)
                : StorageSelection.Describe(provider.GetRequiredService<IOptions<SqliteOptions>>().Value),
            provider.GetRequiredService<ILogger<StorageAnnouncement>>()));

        return selection.Store == StoreKind.MySql ? services.AddGoFlowMySql() : services.AddGoFlowSqlite();
    }
}

/// <summary>Logs at start which store the host uses and where.</summary>
internal sealed partial class StorageAnnouncement(string store, ILogger<StorageAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStore(logger, store);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Storing workflows in {Store}")]
    private static partial void LogStore(ILogger logger, string store);
}
