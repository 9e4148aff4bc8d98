using System.Globalization;
using System.Text;
using GoFlow.Ports.Driven;

namespace GoFlow.Adapters.Sqlite;

/// <summary>
/// SQLite has no date type, so times are stored as TEXT in one fixed-width form, ISO 8601 UTC with exactly six
/// fractional digits (<c>2030-01-01T08:00:00.123456Z</c>). Fixed width means the text sorts and compares exactly as
/// the instants do, which the claim (<c>scheduled_at &lt;= @Now</c>), the lease sweep and every <c>ORDER BY</c> rely
/// on. Microseconds, as MySQL's DATETIME(6) keeps: anything finer is cut off, never rounded up.
/// </summary>
internal static class SqliteTime
{
    /// <summary>What this store can hold: six fractional digits keep microseconds; see <see cref="MaxPayloadCharsPerTransaction"/>.</summary>
    public static readonly StoreLimits Limits = new(TimeSpan.FromMicroseconds(1), MaxPayloadCharsPerTransaction);

    /// <summary>
    /// SQLite has no packet to fit (its strings may reach a billion bytes), but a group's payload is held in memory
    /// while its transaction is written, so a group of large outputs is bounded as on MySQL.
    /// </summary>
    private const long MaxPayloadCharsPerTransaction = 4_000_000;

    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary><paramref name="value"/> cut to the microsecond, as the text keeps it.</summary>
    public static DateTimeOffset Kept(DateTimeOffset value) => Limits.Kept(value);

    /// <summary>The stored text's length, all ASCII: <c>2030-01-01T08:00:00.123456Z</c>.</summary>
    public const int Length = 27;

    public static string ToDatabase(DateTimeOffset value)
    {
        Span<byte> utf8 = stackalloc byte[Length];
        Write(value, utf8);
        return Encoding.ASCII.GetString(utf8);
    }

    /// <summary>Writes <paramref name="value"/> as it is stored, in UTF-8, to <paramref name="utf8"/> (<see cref="Length"/> bytes).</summary>
    /// <remarks>
    /// Written from the round-trip form ("O"), which the runtime formats on a fast path without reading a pattern: most
    /// statements of a step bind a time, and formatting with the custom <see cref="Format"/> was a visible part of a
    /// step's CPU (docs/benchmarks.md, "Issue 16, round three").
    /// </remarks>
    public static void Write(DateTimeOffset value, Span<byte> utf8)
    {
        Span<byte> roundTrip = stackalloc byte[28];
        Kept(value).UtcDateTime.TryFormat(roundTrip, out _, "O", CultureInfo.InvariantCulture);

        // "O" writes seven fractional digits and the Z of a UTC time; the seventh digit is 0 once cut to the microsecond.
        roundTrip[..26].CopyTo(utf8);
        utf8[26] = (byte)'Z';
    }

    public static DateTimeOffset FromDatabase(string value) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(value, Format, CultureInfo.InvariantCulture), DateTimeKind.Utc));
}
