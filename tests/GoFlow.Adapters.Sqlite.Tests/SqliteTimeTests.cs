namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>The stored form of times: fixed-width ISO 8601 UTC text with microseconds.</summary>
internal sealed class SqliteTimeTests
{
    [Test]
    public void ToDatabase_UtcInstantWithMicroseconds_WritesFixedWidthIsoText()
    {
        var instant = new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

        Assert.That(SqliteTime.ToDatabase(instant), Is.EqualTo("2030-01-01T08:00:00.123456Z"));
    }

    [Test]
    public void ToDatabase_OtherOffset_WritesTheSameInstantInUtc()
    {
        var instant = new DateTimeOffset(2030, 1, 1, 10, 30, 0, TimeSpan.FromHours(2));

        Assert.That(SqliteTime.ToDatabase(instant), Is.EqualTo("2030-01-01T08:30:00.000000Z"));
    }

    [Test]
    public void ToDatabase_FinerThanAMicrosecond_CutsItOffNeverRoundingUp()
    {
        var instant = new DateTimeOffset(2030, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999);

        Assert.That(SqliteTime.ToDatabase(instant), Is.EqualTo("2030-12-31T23:59:59.999999Z"));
    }

    [Test]
    public void FromDatabase_StoredText_ReturnsTheUtcInstantToTheMicrosecond()
    {
        var read = SqliteTime.FromDatabase("2030-01-01T08:00:00.123456Z");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.EqualTo(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560)));
            Assert.That(read.Offset, Is.EqualTo(TimeSpan.Zero));
        }
    }

    [Test]
    public void ToDatabase_InstantsAcrossDigitsAndYears_SortAsTextInTheirTimeOrder()
    {
        // Neighbours where a variable-width form would sort wrongly: 9 before 10 seconds, whole seconds before
        // fractions, one microsecond apart, a year boundary.
        var start = new DateTimeOffset(2029, 12, 31, 23, 59, 9, TimeSpan.Zero);
        DateTimeOffset[] instants =
        [
            start,
            start.AddTicks(10),
            start.AddMilliseconds(999),
            start.AddSeconds(1),
            start.AddSeconds(50),
            start.AddSeconds(51).AddTicks(10),
            new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(-1)),
        ];

        var texts = instants.Select(SqliteTime.ToDatabase).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(texts, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
            Assert.That(texts.Select(text => text.Length), Is.All.EqualTo(27));
            Assert.That(texts.Select(SqliteTime.FromDatabase), Is.EqualTo(instants.Select(instant => instant.ToUniversalTime())));
        }
    }
}
