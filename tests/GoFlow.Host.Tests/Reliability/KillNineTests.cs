using GoFlow.Domain;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// A worker process killed with SIGKILL in the middle of a run: nothing of it runs any more, not even a shutdown hook,
/// so the only way its tasks come back is their leases running out and another worker's recovery sweep.
/// </summary>
[NonParallelizable]
public sealed class KillNineTests : ClusterFixture
{
    private const int WorkflowCount = 600;
    private const int TaskCount = WorkflowCount * Workload.TasksPerWorkflow;
    private const string Victim = "victim";
    private const string Survivor = "survivor";

    /// <summary>How many times the victim may be frozen at a moment it holds nothing before the test gives up.</summary>
    private const int MaxFreezes = 20;

    [Test]
    [CancelAfter(240_000)]
    public async Task SigKill_OneOfTwoWorkersDiesHoldingTasks_EveryWorkflowCompletesOnceAndItsTasksRunAgain(
        CancellationToken cancellationToken)
    {
        // The backlog comes first, from an API-only host, so that both workers start into a full queue and the kill
        // lands in the middle of the run, not after it.
        var api = await Cluster.StartAsync("api", HostSettings.Api(Database.ConnectionString), cancellationToken);
        await Workload.CreateOrdersAsync(api, WorkflowCount, cancellationToken);
        var workers = await Cluster.StartAllAsync(
            [
                (Victim, HostSettings.Worker(Database.ConnectionString, Victim)),
                (Survivor, HostSettings.Worker(Database.ConnectionString, Survivor)),
            ],
            cancellationToken);
        var victim = workers[0];
        var survivor = workers[1];

        // The kill comes once a fifth of the tasks are done, at a moment the victim holds some. Its tasks take
        // milliseconds, so between a read and a kill it could finish them all: it is frozen first (SIGSTOP), what it holds
        // read while nothing of it can move, and killed only when that is not nothing; else it goes on and is tried again.
        IReadOnlyList<TaskRow> orphaned = [];
        var attempts = 0;
        while (orphaned.Count == 0)
        {
            await Poll.UntilAsync(
                "a fifth of the tasks to be done, and the victim to hold RUNNING tasks",
                () => Inspector.ProgressAsync(Victim),
                progress => progress.CompletedTasks >= TaskCount / 5 && progress.HeldByOwner > 0,
                TimeSpan.FromSeconds(60),
                cancellationToken,
                Cluster.Diagnostics);
            Assert.That(++attempts, Is.LessThanOrEqualTo(MaxFreezes), "the victim never held a task when frozen");
            await victim.FreezeAsync(cancellationToken);

            // Nobody else can touch these rows before their leases (3 s, renewed every second) run out and a sweep takes
            // them back: this is what the victim holds, and what it will have held when it dies.
            orphaned = await Inspector.RunningTasksOfAsync(Victim);
            if (orphaned.Count == 0)
            {
                await victim.ThawAsync(cancellationToken);
            }
        }

        victim.Kill();
        await victim.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var completedAtKill = await Inspector.CompletedTaskCountAsync();

        var statuses = await Poll.UntilAsync(
            $"all {WorkflowCount} workflows to finish on the survivor",
            Inspector.WorkflowStatusesAsync,
            counts => counts.GetValueOrDefault(StatusNames.Completed) + counts.GetValueOrDefault(StatusNames.Failed) == WorkflowCount,
            TimeSpan.FromSeconds(120),
            cancellationToken,
            Cluster.Diagnostics,
            interval: TimeSpan.FromMilliseconds(200));

        await TestContext.Out.WriteLineAsync(
            $"The victim died holding {orphaned.Count} RUNNING tasks (frozen {attempts} times), with {completedAtKill} of {TaskCount} tasks completed.");

        var orphansNow = await Inspector.TasksAsync(orphaned.Select(task => task.Id));
        var leaseExpiries = await Inspector.ActionCountsAsync(ActivityAction.TaskLeaseExpired);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(completedAtKill, Is.LessThan(TaskCount), "the kill should land in the middle of the run");
            Assert.That(survivor.HasExited, Is.False, "the survivor should still run");
            Assert.That(statuses.GetValueOrDefault(StatusNames.Completed), Is.EqualTo(WorkflowCount), "every workflow COMPLETED");
            Assert.That(await Inspector.TaskCountAsync(), Is.EqualTo(TaskCount), "every step created once");
            Assert.That(await Inspector.TasksCompletedMoreThanOnceAsync(), Is.Empty, "no task has two TASK_COMPLETED rows");
            Assert.That(await Inspector.TasksNotCompletedExactlyOnceAsync(), Is.Empty, "every task COMPLETED with one TASK_COMPLETED row");
            Assert.That(await Inspector.WorkflowsNotCompletedExactlyOnceAsync(), Is.Empty, "every workflow has one WORKFLOW_COMPLETED row");
            Assert.That(orphansNow.Where(task => task.Status != StatusNames.Completed || task.Attempt < 2), Is.Empty,
                "the tasks the victim held ran again, on a second attempt, to completion");
            Assert.That(orphaned.Where(task => leaseExpiries.GetValueOrDefault(task.Id) < 1).Select(task => task.Id), Is.Empty,
                "the tasks the victim held each have a TASK_LEASE_EXPIRED row");
        }
    }
}
