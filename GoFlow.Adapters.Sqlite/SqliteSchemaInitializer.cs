using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// Prepares the database file at start when <see cref="SqliteOptions.ApplySchemaOnStart"/> is on: creates its folder
/// and the file when missing, switches it to write-ahead logging, brings a file of an earlier release up to date (columns
/// added since, indexes reshaped since) and applies schema.sqlite.sql, which only creates the tables and indexes that
/// are missing. Its start completes before the hosted services registered after it (the
/// worker) start, so they always find the tables.
/// </summary>
internal sealed partial class SqliteSchemaInitializer(
    IOptions<SqliteOptions> options, SqliteDatabase database, ILogger<SqliteSchemaInitializer> logger) : IHostedService
{
    private const string SchemaResourceName = "GoFlow.Adapters.Sqlite.schema.sqlite.sql";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ApplySchemaOnStart)
        {
            await ApplyAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(cancellationToken);
        }
        catch (SqliteException exception)
        {
            // SQLite's messages ("unable to open database file") do not say which file.
            throw new InvalidOperationException(
                $"Cannot prepare the SQLite database {database.FilePath} (Sqlite:Path): {exception.Message}", exception);
        }

        LogSchemaApplied(logger, database.FilePath);
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(database.FilePath) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        // Not pooled: this is the one connection that may create the file, and it is used once.
        var settings = new SqliteConnectionStringBuilder(database.CreatingConnectionString) { Pooling = false };
        await using var connection = await database.OpenAsync(settings.ToString(), cancellationToken);

        var journalMode = await connection.ExecuteScalarAsync<string>(
            new CommandDefinition(SqliteSchemaSql.UseWriteAheadLog, cancellationToken: cancellationToken));
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            // Some file systems (network shares among them) cannot hold a WAL file. GoFlow still works, but a write then
            // blocks every read, and a network share is no place for SQLite's locks anyway.
            LogNoWriteAheadLog(logger, database.FilePath, journalMode ?? "unknown");
        }

        await using (var transaction = connection.BeginTransaction(deferred: false))
        {
            await UpgradeAsync(connection, transaction, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(ReadSchema(), transaction: transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Brings a file created by an earlier release up to this one's tables, before the schema runs (its indexes may need
    /// the added columns): adds the missing columns (<see cref="SqliteSchemaSql.AddedColumns"/>) and drops an index whose
    /// columns changed (<see cref="SqliteSchemaSql.ReshapedIndexes"/>), which the schema then creates anew. A new file has no
    /// tables yet, and the schema creates them whole.
    /// </summary>
    private async Task UpgradeAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var (table, column, add) in SqliteSchemaSql.AddedColumns)
        {
            var (tableExists, columnExists) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
                SqliteSchemaSql.CountTableAndColumn, new { Table = table, Column = column }, transaction, cancellationToken: cancellationToken));
            if (tableExists == 1 && columnExists == 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(add, transaction: transaction, cancellationToken: cancellationToken));
                LogColumnAdded(logger, table, column, database.FilePath);
            }
        }

        foreach (var (index, columns, drop) in SqliteSchemaSql.ReshapedIndexes)
        {
            var existing = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                SqliteSchemaSql.IndexColumns, new { Index = index }, transaction, cancellationToken: cancellationToken));
            if (existing is not null && existing != columns)
            {
                await connection.ExecuteAsync(new CommandDefinition(drop, transaction: transaction, cancellationToken: cancellationToken));
                LogIndexRebuilt(logger, index, existing, columns, database.FilePath);
            }
        }

        foreach (var (index, drop) in SqliteSchemaSql.DroppedIndexes)
        {
            var existing = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                SqliteSchemaSql.IndexColumns, new { Index = index }, transaction, cancellationToken: cancellationToken));
            if (existing is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(drop, transaction: transaction, cancellationToken: cancellationToken));
                LogIndexDropped(logger, index, database.FilePath);
            }
        }
    }

    private static string ReadSchema()
    {
        using var stream = typeof(SqliteSchemaInitializer).Assembly.GetManifestResourceStream(SchemaResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {SchemaResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Added column {Table}.{Column} to SQLite database {Path}")]
    private static partial void LogColumnAdded(ILogger logger, string table, string column, string path);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rebuilding index {Index} of SQLite database {Path} on ({Columns}) instead of ({OldColumns})")]
    private static partial void LogIndexRebuilt(ILogger logger, string index, string oldColumns, string columns, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped index {Index} of SQLite database {Path}, which this release no longer has")]
    private static partial void LogIndexDropped(ILogger logger, string index, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied the GoFlow schema to SQLite database {Path}")]
    private static partial void LogSchemaApplied(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "SQLite database {Path} could not use write-ahead logging (journal mode is {JournalMode}): writes will block reads")]
    private static partial void LogNoWriteAheadLog(ILogger logger, string path, string journalMode);
}
