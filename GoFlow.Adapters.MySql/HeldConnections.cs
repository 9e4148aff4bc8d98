using System.Diagnostics;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// A few open connections the hot transactions (a group of starts, a claim, a group of completions) keep between uses,
/// taken from the pool once and not handed back to it, so that each transaction does not pay the pool's reset on open: a
/// round trip more and a session reset on the server (ADR 0040).
/// </summary>
/// <remarks>
/// A connection comes back into the set only when its transaction ended with the server's answer (committed, or rolled
/// back and answered) and nothing was thrown: a reader cannot be open then, since the commit or rollback ran after it.
/// Any other way out rolls back what is open and disposes the connection, which hands it to the pool, whose reset ends
/// whatever was left before its next use (ADR 0034): no session is reused inside a transaction.
/// </remarks>
internal sealed class HeldConnections : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The most connections kept: a host's hot transactions run at most five at once (two writers of completions and two
    /// of starts, GroupCommit's MaxConcurrentWrites, and the claim loop), and one more is kept for the moment a writer
    /// starts before another's connection is back; one beyond it goes back to the pool. Never more than half of
    /// <see cref="MySqlOptions.MaxOpenConnections"/>, so the other reads and writes always find connections in the pool.
    /// </summary>
    public const int MostKept = 6;

    /// <summary>
    /// How long a connection may stay idle before it is pinged on its next use. A busy engine reuses its connections
    /// within milliseconds and pays nothing; one that was idle pays a round trip, and finds a session the server closed
    /// meanwhile (a restart, <c>wait_timeout</c>, a <c>KILL</c>) before its transaction does.
    /// </summary>
    public static readonly TimeSpan DefaultIdleBeforePing = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly Stack<Kept> _idle = new();
    private readonly MySqlDataSource _dataSource;
    private readonly int _mostKept;
    private readonly TimeSpan _maxLifetime;
    private readonly TimeSpan _idleBeforePing;
    private bool _disposed;

    public HeldConnections(MySqlDataSource dataSource, MySqlOptions options)
        : this(dataSource, options, DefaultIdleBeforePing)
    {
    }

    /// <param name="idleBeforePing">Tests set it to zero, to ping before every use, or to the maximum, never to ping.</param>
    internal HeldConnections(MySqlDataSource dataSource, MySqlOptions options, TimeSpan idleBeforePing)
    {
        _dataSource = dataSource;
        _mostKept = Math.Min(MostKept, options.MaxOpenConnections / 2);
        _maxLifetime = options.MaxLifetime;
        _idleBeforePing = idleBeforePing;
    }

    /// <summary>
    /// Runs <paramref name="body"/> on a held connection (or a new one from the pool), in an <see cref="InlineTransaction"/>
    /// the body begins and ends; keeps the connection afterwards only if the body returned with the transaction ended.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<InlineTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        Kept? kept = null;
        InlineTransaction? transaction = null;
        var keep = false;
        try
        {
            kept = await TakeAsync(cancellationToken);
            transaction = new InlineTransaction(kept.Connection);
            var result = await body(transaction);
            keep = transaction.Ended;
            return result;
        }
        catch (Exception exception) when (MySqlAvailability.IsConnectionFailure(exception)
            && !MySqlAvailability.IsPacketTooLarge(exception))
        {
            // The server went away or ended this session (or refused a new one, or its isolation): the other idle
            // sessions were likely ended with it (a restart), and their next users would fail one by one. The pool's
            // reset checks each before it is used again.
            await ReleaseIdleAsync();
            throw;
        }
        finally
        {
            if (keep)
            {
                await GiveBackAsync(kept!);
            }
            else if (kept is not null)
            {
                await transaction!.DisposeAsync();
                await kept.Connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Hands every connection kept back to the pool (the data source, disposed after this by the container, closes
    /// them); a connection in use when this runs is handed back when its transaction ends.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var kept in StopKeeping())
        {
            await kept.Connection.DisposeAsync();
        }
    }

    /// <summary>For a container disposed synchronously, which refuses a service that can only be disposed asynchronously.</summary>
    public void Dispose()
    {
        foreach (var kept in StopKeeping())
        {
            kept.Connection.Dispose();
        }
    }

    private async Task<Kept> TakeAsync(CancellationToken cancellationToken)
    {
        while (TryPop() is { } kept)
        {
            if (Stopwatch.GetElapsedTime(kept.IdleSince) < _idleBeforePing || await IsAliveAsync(kept.Connection, cancellationToken))
            {
                return kept;
            }
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await InlineTransaction.SetSessionIsolationAsync(connection, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new Kept(connection, Stopwatch.GetTimestamp());
    }

    /// <summary>Pings <paramref name="connection"/>, and disposes it unless it answered (a cancelled ping included).</summary>
    private static async Task<bool> IsAliveAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var alive = false;
        try
        {
            alive = await connection.PingAsync(cancellationToken);
            return alive;
        }
        catch (Exception exception) when (MySqlAvailability.IsConnectionFailure(exception)
            && !MySqlAvailability.IsPacketTooLarge(exception))
        {
            return false;
        }
        finally
        {
            if (!alive)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private Kept? TryPop()
    {
        lock (_gate)
        {
            return _idle.TryPop(out var kept) ? kept : null;
        }
    }

    private async Task GiveBackAsync(Kept kept)
    {
        // The pool's lifetime (MySqlOptions.MaxLifetime) holds for a held connection too, counted from when it was taken:
        // a connection held that long goes back to the pool, which closes it if its session is older than the lifetime.
        // A session taken near the end of its life can so last up to about twice MaxLifetime.
        var expired = _maxLifetime > TimeSpan.Zero && Stopwatch.GetElapsedTime(kept.TakenAt) > _maxLifetime;
        lock (_gate)
        {
            if (!_disposed && !expired && _idle.Count < _mostKept)
            {
                kept.IdleSince = Stopwatch.GetTimestamp();
                _idle.Push(kept);
                return;
            }
        }

        await kept.Connection.DisposeAsync();
    }

    private async Task ReleaseIdleAsync()
    {
        foreach (var kept in TakeAllIdle())
        {
            await kept.Connection.DisposeAsync();
        }
    }

    private Kept[] StopKeeping()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        return TakeAllIdle();
    }

    private Kept[] TakeAllIdle()
    {
        lock (_gate)
        {
            Kept[] idle = [.. _idle];
            _idle.Clear();
            return idle;
        }
    }

    /// <summary>A connection kept open: when it was taken from the pool, and since when it waits for its next use.</summary>
    private sealed class Kept(MySqlConnection connection, long takenAt)
    {
        public MySqlConnection Connection { get; } = connection;

        public long TakenAt { get; } = takenAt;

        public long IdleSince { get; set; } = takenAt;
    }
}
