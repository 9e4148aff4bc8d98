using System.Globalization;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>A time's DATETIME(6) literal is the text the driver wrote for it, digit for digit.</summary>
public sealed class MySqlTimeTests
{
    [Test]
    public void ToLiteral_TimesAcrossTheRange_WritesWhatTheDriversFormatWrites()
    {
        var random = new Random(16);
        DateTime[] times =
        [
            DateTime.MinValue, new DateTime(2026, 12, 6, 1, 2, 3, DateTimeKind.Utc).AddTicks(4_567_890), DateTime.MaxValue.AddTicks(-9),
            .. Enumerable.Range(0, 1_000).Select(_ => new DateTime(random.NextInt64(DateTime.MaxValue.Ticks / 10) * 10, DateTimeKind.Utc)),
        ];

        foreach (var time in times)
        {
            Assert.That(
                MySqlTime.ToLiteral(time),
                Is.EqualTo(time.ToString("yyyy'-'MM'-'dd' 'HH':'mm':'ss'.'ffffff", CultureInfo.InvariantCulture)),
                time.Ticks.ToString(CultureInfo.InvariantCulture));
        }
    }
}
