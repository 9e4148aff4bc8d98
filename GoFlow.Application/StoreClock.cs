namespace GoFlow.Application;

internal static class StoreClock
{
    /// <summary>
    /// The current time cut to whole microseconds, the precision every store keeps (DATETIME(6)), so a time
    /// returned at once equals the time read back later.
    /// </summary>
    public static DateTimeOffset GetStoreNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }
}
