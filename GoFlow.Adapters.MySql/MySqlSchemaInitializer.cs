using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// Applies schema.sql at start when <see cref="MySqlOptions.ApplySchemaOnStart"/> is on: creates the database when it
/// is missing, runs the schema, which only creates the tables that are missing, then adds the columns and indexes a
/// table created by an earlier release lacks (<see cref="MySqlSchemaSql.AddedColumns"/>, <see cref="MySqlSchemaSql.AddedIndexes"/>) and drops
/// the indexes this release no longer uses (<see cref="MySqlSchemaSql.DroppedIndexes"/>). Its start completes before the hosted services
/// registered after it (the worker) start, so they always find the tables as this release expects them.
/// </summary>
internal sealed partial class MySqlSchemaInitializer(
    IOptions<MySqlOptions> options, MySqlDataSource dataSource, ILogger<MySqlSchemaInitializer> logger) : IHostedService
{
    private const string SchemaResourceName = "GoFlow.Adapters.MySql.schema.sql";

    /// <summary>The longest wait between two tries while the server cannot be reached at start.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ApplySchemaOnStart)
        {
            return;
        }

        // A host started while the database is down (or still starting) waits for it instead of exiting, as the
        // worker does during an outage; any other error (no permission, bad SQL) stops the start.
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await ApplyAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (MySqlAvailability.IsConnectionFailure(exception)
                                              && !cancellationToken.IsCancellationRequested)
            {
                LogDatabaseUnreachable(logger, exception, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var settings = MySqlConnectionSettings.Build(options.Value);
        var database = settings.Database;
        await CreateDatabaseIfMissingAsync(settings, database, cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReadSchema(), cancellationToken: cancellationToken));
        await AddMissingColumnsAsync(connection, database, cancellationToken);
        await AddMissingIndexesAsync(connection, database, cancellationToken);
        await DropRetiredIndexesAsync(connection, database, cancellationToken);
        LogSchemaApplied(logger, database, settings.Server);
    }

    private async Task AddMissingColumnsAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        foreach (var (table, column, add) in MySqlSchemaSql.AddedColumns)
        {
            if (await ChangeUnlessDoneAsync(
                    connection, MySqlSchemaSql.CountColumnsNamed, new { Table = table, Column = column }, madeWhenPresent: true,
                    add, MySqlErrorCode.DuplicateFieldName, cancellationToken))
            {
                LogColumnAdded(logger, table, column, database);
            }
        }
    }

    private async Task AddMissingIndexesAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        foreach (var (table, index, add) in MySqlSchemaSql.AddedIndexes)
        {
            if (await ChangeUnlessDoneAsync(
                    connection, MySqlSchemaSql.CountIndexesNamed, new { Table = table, Index = index }, madeWhenPresent: true,
                    add, MySqlErrorCode.DuplicateKeyName, cancellationToken))
            {
                LogIndexAdded(logger, index, table, database);
            }
        }
    }

    private async Task DropRetiredIndexesAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        foreach (var (table, index, drop) in MySqlSchemaSql.DroppedIndexes)
        {
            if (await ChangeUnlessDoneAsync(
                    connection, MySqlSchemaSql.CountIndexesNamed, new { Table = table, Index = index }, madeWhenPresent: false,
                    drop, MySqlErrorCode.CannotDropFieldOrKey, cancellationToken))
            {
                LogIndexDropped(logger, index, table, database);
            }
        }
    }

    /// <summary>
    /// Makes one schema change unless it is made already, as <paramref name="countNamed"/> tells: an addition is made
    /// when a column or an index of its name is present (<paramref name="madeWhenPresent"/> true), a drop when none is.
    /// Hosts starting at the same moment may race to make it: the one that loses gets <paramref name="doneByAnother"/>
    /// from the server, which means the change is made all the same.
    /// </summary>
    /// <returns>Whether this host made the change.</returns>
    private static async Task<bool> ChangeUnlessDoneAsync(
        MySqlConnection connection,
        string countNamed,
        object names,
        bool madeWhenPresent,
        string change,
        MySqlErrorCode doneByAnother,
        CancellationToken cancellationToken)
    {
        var present = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(countNamed, names, cancellationToken: cancellationToken)) > 0;
        if (present == madeWhenPresent)
        {
            return false;
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(change, cancellationToken: cancellationToken));
            return true;
        }
        catch (MySqlException exception) when (exception.ErrorCode == doneByAnother)
        {
            return false;
        }
    }

    private async Task CreateDatabaseIfMissingAsync(
        MySqlConnectionStringBuilder settings, string database, CancellationToken cancellationToken)
    {
        // A connection to the server itself, since the database may not exist yet; not pooled, as it is used once.
        var server = new MySqlConnectionStringBuilder(settings.ConnectionString) { Database = string.Empty, Pooling = false };
        await using var connection = new MySqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // Asked first so that a user who may use the database but not create databases can still start.
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            MySqlSchemaSql.CountDatabasesNamed, new { Name = database }, cancellationToken: cancellationToken));
        if (existing == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                MySqlSchemaSql.CreateDatabase(database), cancellationToken: cancellationToken));
            LogDatabaseCreated(logger, database, settings.Server);
        }
    }

    private static string ReadSchema()
    {
        using var stream = typeof(MySqlSchemaInitializer).Assembly.GetManifestResourceStream(SchemaResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {SchemaResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created MySQL database {Database} on {Server}")]
    private static partial void LogDatabaseCreated(ILogger logger, string database, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added column {Table}.{Column} to MySQL database {Database}")]
    private static partial void LogColumnAdded(ILogger logger, string table, string column, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added index {Index} to table {Table} of MySQL database {Database}")]
    private static partial void LogIndexAdded(ILogger logger, string index, string table, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped index {Index} of table {Table} of MySQL database {Database}, which this release no longer uses")]
    private static partial void LogIndexDropped(ILogger logger, string index, string table, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied the GoFlow schema to MySQL database {Database} on {Server}")]
    private static partial void LogSchemaApplied(ILogger logger, string database, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The MySQL server cannot be reached; applying the schema again in {Delay}")]
    private static partial void LogDatabaseUnreachable(ILogger logger, Exception exception, TimeSpan delay);
}
