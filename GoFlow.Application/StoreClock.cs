namespace GoFlow.Application;

internal static class StoreClock
{
    /// <summary>
    /// The current time cut to whole microseconds, the precision every store keeps (DATETIME(6)), so a time
    /// returned at once equals the time read back later.
    /// </summary>
    public static DateTimeOffset GetStoreNow(this TimeProvider clock) => ToStorePrecision(clock.GetUtcNow());

    /// <summary><paramref name="time"/> in UTC cut to whole microseconds, as a store keeps it.</summary>
    public static DateTimeOffset ToStorePrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }
}
