using Dapper;
using GoFlow.Ports.Driven;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// The database file and how to talk to it: reads open one connection each (Microsoft.Data.Sqlite pools them by
/// connection string, so opening is cheap), writes share one connection held open with its prepared statements; each
/// connection is set up the same way, runs its work in the right kind of transaction, and "the database cannot be used
/// now" becomes <see cref="StoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// Concurrency: SQLite allows one writer per file at a time. Every transaction that writes takes the file's write lock
/// before its first statement, as <c>BEGIN IMMEDIATE</c> does (<see cref="WriteOnceAsync{T}"/> says how), so two
/// claimers (threads of this process or other processes) run one after the other and the second sees what the first
/// committed: it cannot pick the same task. In WAL mode readers never wait for the writer, nor the writer for readers.
/// <para>
/// The writers' connection: this process writes one transaction at a time anyway (the queue below), so all its writes go
/// through one connection held open between them. SQLite compiles a statement per command, and Microsoft.Data.Sqlite
/// keeps the compiled statement only as long as its command, so a new command per call parses and plans the statement
/// again every time; on the held connection the hot statements are compiled once (<see cref="Prepared"/>). The held
/// connection is given up after any failed write, and when its file is no longer at <see cref="FilePath"/> (asked at
/// the start of each write, and of each read for the pooled readers): a file replaced under the store is then written
/// and read at its path, and a file deleted is reported unavailable as a fresh connection would report it (ADR 0036).
/// </para>
/// </remarks>
internal sealed class SqliteDatabase : IDisposable
{
    // Writers of this process queue here, first come first served, before they ask SQLite for the lock. SQLite's own
    // busy handler sleeps and retries in no order, so a thread that commits and begins again at once could keep the
    // lock while the others starve; since SQLite admits one writer anyway, queueing costs no throughput. The lock is
    // still SQLite's, taken at the start of each write (WriteOnceAsync), and guards against other processes (and against
    // other instances of this class).
    private readonly SemaphoreSlim _writers = new(1, 1);
    private readonly string _connectionString;
    private readonly string _configureConnection;
    private readonly TimeSpan _busyTimeout;

    // Touched only by the writer that holds _writers.
    private SqliteWriterConnection? _writer;

    public SqliteDatabase(SqliteOptions options)
    {
        FilePath = Path.GetFullPath(options.Path);
        _busyTimeout = options.BusyTimeout;
        _configureConnection = SqliteSchemaSql.ConfigureConnection((int)Math.Ceiling(options.BusyTimeout.TotalMilliseconds));
        _connectionString = BuildConnectionString(FilePath, options.BusyTimeout, SqliteOpenMode.ReadWrite);
        CreatingConnectionString = BuildConnectionString(FilePath, options.BusyTimeout, SqliteOpenMode.ReadWriteCreate);
    }

    /// <summary>The database file's full path.</summary>
    public string FilePath { get; }

    /// <summary>
    /// The settings of the start-up step, the one place that may create the file. Every other connection opens an
    /// existing file only, so a missing file is reported as unavailable rather than silently replaced by an empty one.
    /// </summary>
    public string CreatingConnectionString { get; }

    /// <summary>
    /// Runs <paramref name="operation"/> in a write transaction that holds the file's write lock from its start. Waits
    /// up to <see cref="SqliteOptions.BusyTimeout"/> for this process's other writers and again for SQLite's lock; a
    /// transaction that still finds the file busy is run again, whole (<see cref="TransientConflictRetry"/>), and only
    /// a lock held through every run gives up with <see cref="StoreUnavailableException"/>. The operation commits; a
    /// transaction it leaves uncommitted is rolled back.
    /// </summary>
    public Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteWriteTransaction, Task<T>> operation, CancellationToken cancellationToken) =>
        TransientConflictRetry.RunAsync(() => WriteOnceAsync(operation, cancellationToken), IsBusy, "SQLite", FilePath);

    /// <summary>
    /// Runs <paramref name="operation"/> in a read transaction (a deferred BEGIN), so that all its statements see the
    /// same commit; in WAL mode it neither waits for the writer nor holds it up (a checkpoint or a recovery can still
    /// find the file busy: the read is then run again, as a write is).
    /// </summary>
    public Task<T> ReadAsync<T>(
        Func<SqliteConnection, SqliteTransaction, Task<T>> operation, CancellationToken cancellationToken) =>
        TransientConflictRetry.RunAsync(
            () => RunAsync(
                async connection =>
                {
                    await using var transaction = connection.BeginTransaction(deferred: true);
                    return await operation(connection, transaction);
                },
                cancellationToken),
            IsBusy,
            "SQLite",
            FilePath);

    /// <summary>Opens a connection with <paramref name="connectionString"/> and sets it up; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per-connection settings, not stored in the file, so set on every open; a pooled connection has them
            // already, and setting them again costs no I/O.
            await connection.ExecuteAsync(new CommandDefinition(_configureConnection, cancellationToken: cancellationToken));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a connection set up as every operation's is; the caller disposes it.</summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(_connectionString, cancellationToken);

    /// <summary>
    /// The statement <paramref name="sql"/> on the writers' connection, compiled on its first use and kept for the
    /// connection's life; it runs in <paramref name="transaction"/>, the connection's own, and each run sets all its values
    /// again. For the hot statements of a write, whose text never changes: each distinct text stays compiled while the
    /// connection is held. The caller must not dispose it.
    /// </summary>
    public CompiledStatement Prepared(SqliteWriteTransaction transaction, string sql)
    {
        if (_writer is not { } writer || !ReferenceEquals(transaction, writer.Transaction))
        {
            throw new InvalidOperationException("Prepared statements belong to the writers' connection: use them inside WriteAsync.");
        }

        return writer.Statement(sql);
    }

    /// <summary>Closes the writers' connection, after the write that holds it (if any) is done.</summary>
    public void Dispose()
    {
        _writers.Wait();
        try
        {
            DropWriter();
        }
        finally
        {
            _writers.Release();
        }
    }

    private async Task<T> WriteOnceAsync<T>(
        Func<SqliteConnection, SqliteWriteTransaction, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (!await _writers.WaitAsync(_busyTimeout, cancellationToken))
        {
            throw new TimeoutException(
                $"The SQLite database {FilePath} cannot be written now: other writers of this process held it for longer " +
                $"than the busy timeout ({_busyTimeout:c}).");
        }

        try
        {
            var writer = await HeldWriterAsync(cancellationToken);

            // Not BEGIN IMMEDIATE through Microsoft.Data.Sqlite: the driver runs a busy one again itself, 150 ms apart,
            // until its command timeout has passed, and that timeout is in whole seconds. A run would then wait a
            // second or more for the lock however short the busy timeout, outlasting all the runs of a writer queued
            // behind it (each waits the busy timeout for the queue), which then failed although the lock was freed
            // after one run. A deferred BEGIN takes no lock; the write lock is taken at once by a statement of this
            // adapter, which waits SQLite's busy_timeout and no longer (ADR 0022). Both are compiled once, as are the
            // COMMIT and the ROLLBACK (SqliteWriteTransaction).
            var transaction = writer.Transaction;
            transaction.Begin();
            T result;
            try
            {
                writer.TakeWriteLock();
                result = await operation(writer.Connection, transaction);
            }
            catch
            {
                // The write's own failure is what the caller must see (a busy file is retried, ADR 0022): a rollback that
                // fails as well must not replace it. The connection is given up below, which ends what stays open.
                transaction.TryRollBackIfOpen();
                throw;
            }

            // An operation that returned without committing changes nothing.
            transaction.RollBackIfOpen();
            return result;
        }
        catch (Exception exception)
        {
            // Whatever failed, the next write starts from a fresh connection rather than one whose state is in doubt.
            DropWriter();
            if (exception is SqliteException sqliteException && IsUnavailable(sqliteException) && !IsBusy(sqliteException))
            {
                throw Unavailable(sqliteException);
            }

            throw;
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>
    /// The writers' connection, opened when there is none or when the file it has open is no longer at
    /// <see cref="FilePath"/>: replaced (a backup moved into place), the new connection writes to the file now there;
    /// deleted, it fails to open it and the write is reported unavailable, as every write was before the connection
    /// was held (ADR 0036).
    /// </summary>
    private async Task<SqliteWriterConnection> HeldWriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is { } held && !SqliteFileMoves.HasMoved(held.Connection, FilePath))
        {
            return held;
        }

        DropWriter();
        _writer = new SqliteWriterConnection(await OpenAsync(_connectionString, cancellationToken));
        return _writer;
    }

    private void DropWriter()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            writer.GiveUp(FilePath);
        }
    }

    /// <summary>
    /// Opens a connection for a read on the file at <see cref="FilePath"/>: a pooled connection still on a file that was
    /// replaced or deleted under the store is closed, with the rest of the pool, and a new one opened.
    /// </summary>
    private async Task<SqliteConnection> OpenOnTheFileAtPathAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(_connectionString, cancellationToken);
        if (!SqliteFileMoves.HasMoved(connection, FilePath))
        {
            return connection;
        }

        SqliteFileMoves.Retire(connection);
        return await OpenAsync(_connectionString, cancellationToken);
    }

    /// <summary>
    /// Whether the transaction found the file's lock taken for longer than the busy timeout (SQLITE_BUSY, SQLITE_LOCKED,
    /// or this process's queue of writers), so that nothing was written and running it again is what SQLite asks for.
    /// </summary>
    private static bool IsBusy(Exception exception) =>
        exception is TimeoutException or SqliteException { SqliteErrorCode: raw.SQLITE_BUSY or raw.SQLITE_LOCKED };

    /// <summary>
    /// Whether the error means the database cannot be used for now, rather than a bug in a statement: the write lock
    /// stayed taken past the busy timeout, or the file cannot be opened, read or written (missing, no permission, disk
    /// full or failing). Callers treat those as temporary: the worker backs off, the API answers 503.
    /// </summary>
    public static bool IsUnavailable(SqliteException exception) => exception.SqliteErrorCode is
        raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_CANTOPEN or raw.SQLITE_IOERR or raw.SQLITE_FULL;

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenOnTheFileAtPathAsync(cancellationToken);
            return await operation(connection);
        }
        // A busy file is left to the caller's retry (IsBusy); it becomes unavailable only if it stays busy.
        catch (SqliteException exception) when (IsUnavailable(exception) && !IsBusy(exception))
        {
            throw Unavailable(exception);
        }
    }

    private StoreUnavailableException Unavailable(SqliteException exception) =>
        new($"The SQLite database {FilePath} cannot be used now: {exception.Message}", exception);

    private static string BuildConnectionString(string filePath, TimeSpan busyTimeout, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = mode,
            // A private cache per connection: a shared cache locks tables between connections of this process and
            // fails at once with SQLITE_LOCKED instead of waiting out the busy timeout.
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy statement itself until this many seconds have passed since the
            // statement began (30 by default). SQLite's busy_timeout, set on every connection, does the waiting; this
            // makes the driver give up with it, rounded up to whole seconds, rather than retry on.
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
}
