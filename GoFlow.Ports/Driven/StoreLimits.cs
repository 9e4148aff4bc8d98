namespace GoFlow.Ports.Driven;

/// <summary>
/// What a store can hold, published by its adapter's registration so that the core assumes no column type and no
/// statement size: the finest time it keeps, the most payload characters one transaction may carry, and how many writes
/// it serves at once.
/// </summary>
/// <param name="TimePrecision">The finest time step a stored time keeps; anything finer is cut off.</param>
/// <param name="MaxPayloadCharsPerTransaction">
/// The most payload characters one write of a group should carry; a group commit splits its groups to stay within it
/// (a single item heavier than this is still written, alone).
/// </param>
/// <param name="ConcurrentWrites">
/// How many group writes a group commit keeps in flight. Two by default: on a database server the next group's
/// statements travel while the previous group's commit is flushed. A store that writes one transaction at a time (SQLite's
/// one writer) says 1: a second write in flight there only waits for the first, holding the few items that arrived in
/// between, so groups come out smaller and commits more frequent for nothing.
/// </param>
public sealed record StoreLimits(TimeSpan TimePrecision, long MaxPayloadCharsPerTransaction, int ConcurrentWrites = 2)
{
    /// <summary>
    /// <paramref name="time"/> as the store keeps it (in UTC), so that a time returned at once equals the time read back later.
    /// </summary>
    public DateTimeOffset Kept(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.AddTicks(-(utc.UtcTicks % TimePrecision.Ticks));
    }
}
