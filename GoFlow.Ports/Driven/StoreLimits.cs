namespace GoFlow.Ports.Driven;

/// <summary>
/// What a store can hold, published by its adapter's registration so that the core assumes no column type and no
/// statement size: the finest time it keeps, and the most payload characters one transaction may carry.
/// </summary>
/// <param name="TimePrecision">The finest time step a stored time keeps; anything finer is cut off.</param>
/// <param name="MaxPayloadCharsPerTransaction">
/// The most payload characters one write of a group should carry; a group commit splits its groups to stay within it
/// (a single item heavier than this is still written, alone).
/// </param>
public sealed record StoreLimits(TimeSpan TimePrecision, long MaxPayloadCharsPerTransaction)
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
