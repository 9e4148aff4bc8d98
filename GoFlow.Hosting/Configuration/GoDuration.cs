using System.Globalization;
using System.Text.RegularExpressions;

namespace GoFlow.Hosting.Configuration;

/// <summary>Parses Go's duration strings (<c>300ms</c>, <c>5m</c>, <c>1h30m</c>), the form DB_MAX_LIFETIME has always used.</summary>
internal static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var ticks = 0.0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = UnitPattern().Match(part.Value);
            var amount = double.Parse(unit.Groups["amount"].Value, CultureInfo.InvariantCulture);
            ticks += amount * TicksPer(unit.Groups["unit"].Value);
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static double TicksPer(string unit) => unit switch
    {
        "ns" => TimeSpan.TicksPerMillisecond / 1_000_000.0,
        "us" or "µs" => TimeSpan.TicksPerMillisecond / 1_000.0,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        _ => TimeSpan.TicksPerHour,
    };

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h)$")]
    private static partial Regex UnitPattern();
}
