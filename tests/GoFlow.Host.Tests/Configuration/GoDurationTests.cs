using GoFlow.Hosting.Configuration;

namespace GoFlow.Host.Tests.Configuration;

public sealed class GoDurationTests
{
    [TestCase("5m", 300_000)]
    [TestCase("90s", 90_000)]
    [TestCase("1h30m", 5_400_000)]
    [TestCase("300ms", 300)]
    [TestCase("1.5s", 1_500)]
    [TestCase("0", 0)]
    public void TryParse_GoDuration_ReadsIt(string text, long expectedMilliseconds)
    {
        Assert.That(GoDuration.TryParse(text, out var duration), Is.True);
        Assert.That(duration, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
    }

    [TestCase("")]
    [TestCase("5")]
    [TestCase("5 minutes")]
    [TestCase("-5m")]
    [TestCase("m")]
    [TestCase("00:05:00")]
    public void TryParse_NotAGoDuration_Refuses(string text)
    {
        Assert.That(GoDuration.TryParse(text, out _), Is.False);
    }
}
