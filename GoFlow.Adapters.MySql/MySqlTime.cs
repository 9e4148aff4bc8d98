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

    /// <summary>
    /// <paramref name="value"/> as the text of a DATETIME(6) literal, <c>yyyy-MM-dd HH:mm:ss.ffffff</c>, which the server
    /// converts to the column's type where the value is stored or compared with a DATETIME column. Written digit by
    /// digit: the driver formats a <see cref="DateTime"/> value through a composite custom format, a string each time
    /// it is sent, and a group repeats the same time in many places (<see cref="PositionalCommand"/>).
    /// </summary>
    public static string ToLiteral(DateTime value) => string.Create(26, value, static (chars, time) =>
    {
        Digits(chars[..4], time.Year);
        chars[4] = '-';
        Digits(chars.Slice(5, 2), time.Month);
        chars[7] = '-';
        Digits(chars.Slice(8, 2), time.Day);
        chars[10] = ' ';
        Digits(chars.Slice(11, 2), time.Hour);
        chars[13] = ':';
        Digits(chars.Slice(14, 2), time.Minute);
        chars[16] = ':';
        Digits(chars.Slice(17, 2), time.Second);
        chars[19] = '.';
        Digits(chars.Slice(20, 6), (int)(time.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond));
    });

    public static DateTimeOffset FromDatabase(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);

    /// <summary>Writes <paramref name="value"/> into all of <paramref name="chars"/>, zero-padded on the left.</summary>
    private static void Digits(Span<char> chars, int value)
    {
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
