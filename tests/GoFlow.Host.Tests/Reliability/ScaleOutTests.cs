using GoFlow.Domain;
using GoFlow.Testing;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>Several worker processes on one database: each task is held by one worker at a time and runs once.</summary>
[NonParallelizable]
public sealed class ScaleOutTests
{
    private const int WorkflowCount = 1000;
    private static readonly string[] WorkerIds = ["worker-1", "worker-2", "worker-3"];

    private TestDatabase _database = null!;
    private HostCluster _cluster = null!;
    private RunInspector _inspector = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _database = await TestDatabase.CreateAsync();
        _cluster = new HostCluster();
        _inspector = new RunInspector(_database.ConnectionString);
    }

    [TearDown]
    public async Task TearDown()
    {
        try
        {
            await _cluster.DisposeAsync();
        }
        finally
        {
            await _database.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task ThreeWorkers_ThousandWorkflows_EveryTaskCompletesExactlyOnceAndNoAttemptRunsTwice(
        CancellationToken cancellationToken)
    {
        var api = await _cluster.StartAsync("api", HostSettings.Api(_database.ConnectionString), cancellationToken);
        await Workload.CreateOrdersAsync(api, WorkflowCount, cancellationToken);
        var workers = await _cluster.StartAllAsync(
            WorkerIds.Select(id => (id, HostSettings.Worker(_database.ConnectionString, id))), cancellationToken);

        // Which workers were seen holding a task during the run, to know that all three took part.
        var seenHolding = new HashSet<string>(StringComparer.Ordinal);
        var statuses = await Poll.UntilAsync(
            $"all {WorkflowCount} workflows to finish",
            async () =>
            {
                foreach (var task in await _inspector.RunningTasksAsync())
                {
                    seenHolding.Add(task.LeaseOwner!);
                }

                return await _inspector.WorkflowStatusesAsync();
            },
            counts => counts.GetValueOrDefault(StatusNames.Completed) + counts.GetValueOrDefault(StatusNames.Failed) == WorkflowCount,
            TimeSpan.FromSeconds(150),
            cancellationToken,
            _cluster.Diagnostics,
            interval: TimeSpan.FromMilliseconds(20));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seenHolding, Is.EquivalentTo(WorkerIds), "every worker should have run tasks");
            Assert.That(workers.Where(worker => worker.HasExited).Select(worker => worker.Name), Is.Empty, "no worker should have exited");
            Assert.That(statuses.GetValueOrDefault(StatusNames.Completed), Is.EqualTo(WorkflowCount), "every workflow COMPLETED");
            Assert.That(await _inspector.TaskCountAsync(), Is.EqualTo(WorkflowCount * Workload.TasksPerWorkflow), "every step created once");
            Assert.That(await _inspector.TasksNotCompletedExactlyOnceAsync(), Is.Empty, "every task COMPLETED with one TASK_COMPLETED row");
            Assert.That(await _inspector.AttemptsStartedMoreThanOnceAsync(), Is.Empty, "no (task, attempt) has two TASK_STARTED rows");
            Assert.That(await _inspector.WorkflowsNotCompletedExactlyOnceAsync(), Is.Empty, "every workflow has one WORKFLOW_COMPLETED row");
        }
    }
}
