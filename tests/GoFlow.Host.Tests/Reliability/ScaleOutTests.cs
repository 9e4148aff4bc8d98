using GoFlow.Domain;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>Several worker processes on one database: each task is held by one worker at a time and runs once.</summary>
[NonParallelizable]
public sealed class ScaleOutTests : ClusterFixture
{
    private const int WorkflowCount = 1000;
    private static readonly string[] WorkerIds = ["worker-1", "worker-2", "worker-3"];

    [Test]
    [CancelAfter(240_000)]
    public async Task ThreeWorkers_ThousandWorkflows_EveryTaskCompletesExactlyOnceAndNoAttemptRunsTwice(
        CancellationToken cancellationToken)
    {
        var api = await Cluster.StartAsync("api", HostSettings.Api(Database.ConnectionString), cancellationToken);
        await Workload.CreateOrdersAsync(api, WorkflowCount, cancellationToken);
        var workers = await Cluster.StartAllAsync(
            WorkerIds.Select(id => (id, HostSettings.Worker(Database.ConnectionString, id))), cancellationToken);

        // Which workers were seen holding a task during the run, to know that all three took part.
        var seenHolding = new HashSet<string>(StringComparer.Ordinal);
        var statuses = await Poll.UntilAsync(
            $"all {WorkflowCount} workflows to finish",
            async () =>
            {
                foreach (var task in await Inspector.RunningTasksAsync())
                {
                    seenHolding.Add(task.LeaseOwner!);
                }

                return await Inspector.WorkflowStatusesAsync();
            },
            counts => counts.GetValueOrDefault(StatusNames.Completed) + counts.GetValueOrDefault(StatusNames.Failed) == WorkflowCount,
            TimeSpan.FromSeconds(150),
            cancellationToken,
            Cluster.Diagnostics,
            interval: TimeSpan.FromMilliseconds(20));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(seenHolding, Is.EquivalentTo(WorkerIds), "every worker should have run tasks");
            Assert.That(workers.Where(worker => worker.HasExited).Select(worker => worker.Name), Is.Empty, "no worker should have exited");
            Assert.That(statuses.GetValueOrDefault(StatusNames.Completed), Is.EqualTo(WorkflowCount), "every workflow COMPLETED");
            Assert.That(await Inspector.TaskCountAsync(), Is.EqualTo(WorkflowCount * Workload.TasksPerWorkflow), "every step created once");
            Assert.That(await Inspector.TasksNotCompletedExactlyOnceAsync(), Is.Empty, "every task COMPLETED with one TASK_COMPLETED row");
            Assert.That(await Inspector.AttemptsStartedMoreThanOnceAsync(), Is.Empty, "no (task, attempt) has two TASK_STARTED rows");
            Assert.That(await Inspector.WorkflowsNotCompletedExactlyOnceAsync(), Is.Empty, "every workflow has one WORKFLOW_COMPLETED row");
        }
    }
}
