using System.Reflection;
using GoFlow.Benchmarks.ChildHost;
using GoFlow.Benchmarks.Measurements;
using GoFlow.Benchmarks.Stores;
using GoFlow.Domain;

namespace GoFlow.Benchmarks.Tests;

/// <summary>
/// The idle-cpu mode with a few waiting workflows and one-second windows, to keep it working: it never asserts a speed,
/// only that the real host it measures left the waiting workflows waiting.
/// </summary>
public sealed class IdleCpuMeasurementSmokeTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task RunAsync_FewWaitingOnSqlite_ReportsBothWaysAndTheHostClaimsNoWait(CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("goflow-idle-bench-").FullName;
        try
        {
            var log = new StringWriter();
            await using (var store = new SqliteBenchmarkStore(Path.Combine(folder, "bench.db")))
            {
                var since = DateTimeOffset.UtcNow.AddMinutes(-1);
                await new IdleCpuMeasurement(store, HostBuiltWithTheseTests(), TimeProvider.System, log)
                    .RunAsync(waiting: 50, TimeSpan.FromSeconds(1), TimeSpan.Zero, runs: 1, cancellationToken);

                using (Assert.EnterMultipleScope())
                {
                    Assert.That(await store.CountUnfinishedWorkflowsAsync(IdleCpuMeasurement.WorkflowName, since, cancellationToken), Is.EqualTo(50));
                    Assert.That(await store.CountActionsAsync(IdleCpuMeasurement.WorkflowName, since, ActivityAction.TaskStarted, cancellationToken),
                        Is.Zero, "no wait was claimed");
                }
            }

            var report = log.ToString();
            Assert.That(report, Does.Contain("| SQLite, idle host over 1 s |").And.Contain("| empty store |").And.Contain("| 50 workflows waiting |"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// GoFlow.Host as built with these tests: the project reference builds it in the tests' configuration, so the test
    /// runs alone (dotnet test on this project) and never runs a stale build of another configuration (a Release build
    /// left by a benchmark, say, which the benchmark itself would prefer).
    /// </summary>
    private static string HostBuiltWithTheseTests()
    {
        var configuration = typeof(IdleCpuMeasurementSmokeTests).Assembly
            .GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
            ?? throw new InvalidOperationException("The test assembly names no build configuration.");
        return HostProcess.FindHostDll(configured: null, configuration);
    }
}
