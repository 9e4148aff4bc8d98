namespace GoFlow.Adapters.MySql;

/// <summary>
/// DATETIME(6) holds UTC wall-clock time without an offset: the adapter writes UTC <see cref="DateTime"/> values and
/// reads them back as UTC. The column keeps microseconds, so anything finer is truncated.
/// </summary>
internal static class MySqlTime
{
    public static DateTime ToDatabase(DateTimeOffset value) => value.UtcDateTime;

    public static DateTimeOffset FromDatabase(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}
