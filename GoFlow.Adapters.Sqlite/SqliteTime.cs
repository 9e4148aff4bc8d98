using System.Globalization;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// SQLite has no date type, so times are stored as TEXT in one fixed-width form, ISO 8601 UTC with exactly six
/// fractional digits (<c>2030-01-01T08:00:00.123456Z</c>). Fixed width means the text sorts and compares exactly as
/// the instants do, which the claim (<c>scheduled_at &lt;= @Now</c>), the lease sweep and every <c>ORDER BY</c> rely
/// on. Microseconds, as MySQL's DATETIME(6) keeps: anything finer is cut off, never rounded up.
/// </summary>
internal static class SqliteTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static string ToDatabase(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return utc.AddTicks(-(utc.Ticks % TicksPerMicrosecond)).ToString(Format, CultureInfo.InvariantCulture);
    }

    public static DateTimeOffset FromDatabase(string value) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(value, Format, CultureInfo.InvariantCulture), DateTimeKind.Utc));
}
