using System.Globalization;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// An instant written in ISO 8601 (RFC 3339's profile) with its offset: <c>2026-05-01T09:00:00+02:00</c> or
/// <c>...Z</c>, seconds and up to seven fraction digits optional. A time without an offset is refused rather than
/// read in the server's zone, which the client cannot know.
/// </summary>
internal static class IsoTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm'Z'",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <returns>False for any other form, an offset beyond ±14:00, or a time outside the years 1 to 9999 in UTC.</returns>
    public static bool TryParse(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(
            text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
