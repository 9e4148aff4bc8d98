using GoFlow.Benchmarks.Raw;

namespace GoFlow.Benchmarks.Tests;

public sealed class BenchmarkOptionsTests
{
    [Test]
    public void Parse_NoArguments_GivesTheIssueDefaultsAndEveryPart()
    {
        var options = BenchmarkOptions.Parse([]);

        Assert.Multiple(() =>
        {
            Assert.That(options.Workflows, Is.EqualTo(20_000));
            Assert.That(options.Steps, Is.EqualTo(3));
            Assert.That(options.HttpClients, Is.EqualTo(32));
            Assert.That(options.HttpDuration, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.MemoryWorkflows, Is.EqualTo(100_000));
            Assert.That(options.SeedFinished, Is.EqualTo(1_000_000));
            Assert.That(options.IdleSamples, Is.EqualTo(200));
            Assert.That(options.Repeat, Is.EqualTo(3), "each engine figure is the median of 3 runs");
            Assert.That(options.MySqlConnectionString, Is.Null);
            Assert.That(options.Retention, Is.Null, "the retention sweep is off unless asked for");
            Assert.That(options.Parts, Is.EquivalentTo(Enum.GetValues<BenchmarkPart>()));
            Assert.That(options.EffectiveRawBatch, Is.EqualTo(options.EngineBatch), "the raw replay defaults to the engine's batch");
        });
    }

    [Test]
    public void Parse_EveryOption_SetsIt()
    {
        var options = BenchmarkOptions.Parse([
            "--mysql", "Server=db;Database=bench", "--only", "throughput, Latency", "--workflows", "300", "--steps", "5",
            "--batch", "20", "--concurrency", "40", "--idle-samples", "7", "--half-load-seconds", "1.5",
            "--http-clients", "4", "--http-seconds", "2", "--memory-workflows", "50", "--raw-batch", "9",
            "--raw-connections", "8", "--raw-modes", "handover", "--seed-finished", "600", "--retention", "3600", "--retention-batch", "2000", "--markdown", "out.md", "--repeat", "5",
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(options.MySqlConnectionString, Is.EqualTo("Server=db;Database=bench"));
            Assert.That(options.Parts, Is.EquivalentTo(new[] { BenchmarkPart.Throughput, BenchmarkPart.Latency }));
            Assert.That(options.Workflows, Is.EqualTo(300));
            Assert.That(options.Steps, Is.EqualTo(5));
            Assert.That(options.EngineBatch, Is.EqualTo(20));
            Assert.That(options.EngineConcurrency, Is.EqualTo(40));
            Assert.That(options.IdleSamples, Is.EqualTo(7));
            Assert.That(options.HalfLoadDuration, Is.EqualTo(TimeSpan.FromSeconds(1.5)));
            Assert.That(options.HttpClients, Is.EqualTo(4));
            Assert.That(options.HttpDuration, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.MemoryWorkflows, Is.EqualTo(50));
            Assert.That(options.EffectiveRawBatch, Is.EqualTo(9));
            Assert.That(options.RawConnections, Is.EqualTo(8));
            Assert.That(options.RawModes, Is.EqualTo(new[] { RawReplayMode.HandOver }));
            Assert.That(options.SeedFinished, Is.EqualTo(600));
            Assert.That(options.Retention, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(options.RetentionBatch, Is.EqualTo(2000));
            Assert.That(options.MarkdownPath, Is.EqualTo("out.md"));
            Assert.That(options.Repeat, Is.EqualTo(5));
        });
    }

    [TestCase("--workflows", "0")]
    [TestCase("--workflows", "many")]
    [TestCase("--only", "throughput,speed")]
    [TestCase("--raw-modes", "eager")]
    [TestCase("--wrokflows", "10")]
    [TestCase("--retention", "0")]
    [TestCase("--retention", "1800", Description = "not longer than the default 30-minute timeout of a run")]
    public void Parse_BadOption_ThrowsNamingIt(string name, string value)
    {
        var exception = Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse([name, value]));

        Assert.That(exception!.Message, Does.Contain(name));
    }

    [Test]
    public void Parse_RetentionBatchWithoutRetention_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(["--retention-batch", "2000"]));

        Assert.That(exception!.Message, Does.Contain("--retention-batch"));
    }

    [Test]
    public void Parse_MySqlAndSqliteTogether_Throws()
    {
        Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(["--mysql", "Server=db;Database=x", "--sqlite", "x.db"]));
    }
}
