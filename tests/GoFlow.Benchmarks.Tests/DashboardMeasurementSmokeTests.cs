using GoFlow.Benchmarks.Measurements;
using GoFlow.Benchmarks.Stores;

namespace GoFlow.Benchmarks.Tests;

/// <summary>The dashboard mode on a few hundred workflows, to keep it working; it never asserts a speed.</summary>
public sealed class DashboardMeasurementSmokeTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task RunAsync_SmallStoreOnSqlite_TimesEveryReadAndFindsWhatItSeeded(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("goflow-dashboard-bench-").FullName;
        try
        {
            var log = new StringWriter();
            await using (var store = new SqliteBenchmarkStore(Path.Combine(folder, "bench.db")))
            {
                await new DashboardMeasurement(store, TimeProvider.System, log).RunAsync(300, 60, 2, cancellationToken);
            }

            var report = log.ToString();
            Assert.That(report, Does.Contain("| read, SQLite, 360 seeded finished workflows |"));
            Assert.That(report, Does.Contain("| overview (counts, throughput, failures, retention) |").And.Contain("COMPLETED 360, last hour 60 workflows |"));
            Assert.That(report, Does.Contain("50 workflows on page 1 |"));
            Assert.That(report, Does.Contain("| search, an Idempotency-Key nobody used |").And.Contain("not found |"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
