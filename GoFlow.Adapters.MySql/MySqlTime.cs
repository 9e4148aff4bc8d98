using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.MySql;

/// <summary>
/// DATETIME(6) holds UTC wall-clock time without an offset: the adapter writes UTC <see cref="DateTime"/> values and
/// reads them back as UTC. The column keeps microseconds, so anything finer is truncated.
/// </summary>
internal static class MySqlTime
{
    /// <summary>What this store can hold: DATETIME(6) keeps microseconds; see <see cref="MaxPayloadCharsPerTransaction"/>.</summary>
    public static readonly StoreLimits Limits = new(TimeSpan.FromMicroseconds(1), MaxPayloadCharsPerTransaction);

    /// <summary>
    /// The most payload characters one transaction's statements carry: an output is sent up to three times in a group's
    /// statements, so this keeps them within MySQL's default max_allowed_packet (16 MiB for MariaDB) even for text that
    /// takes three bytes a character.
    /// </summary>
    private const long MaxPayloadCharsPerTransaction = 4_000_000;

    /// <summary><paramref name="value"/> cut to the microsecond, as the column keeps it.</summary>
    public static DateTimeOffset Kept(DateTimeOffset value) => Limits.Kept(value);

    public static DateTime ToDatabase(DateTimeOffset value) => Kept(value).UtcDateTime;

    public static DateTimeOffset FromDatabase(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
}
