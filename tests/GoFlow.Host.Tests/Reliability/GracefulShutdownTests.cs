using System.Diagnostics;
using GoFlow.Domain;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// SIGTERM in the middle of a run (a deploy, a scale-in): the worker stops claiming, finishes or releases what it
/// runs, and exits leaving nothing RUNNING; another host picks up the rest with no lease to wait out.
/// </summary>
[NonParallelizable]
public sealed class GracefulShutdownTests : ClusterFixture
{
    private const int WorkflowCount = 600;
    private const int TaskCount = WorkflowCount * Workload.TasksPerWorkflow;

    /// <summary>The host's shutdown timeout (30 s by default) plus the worker's release grace, with room to spare.</summary>
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Well under the host's 30 s shutdown timeout: a worker that went on claiming until the deadline would exceed it,
    /// one that stops claiming at once only waits for tasks that take milliseconds.
    /// </summary>
    private static readonly TimeSpan QuickStop = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan LongLease = TimeSpan.FromSeconds(15);

    [Test]
    [CancelAfter(240_000)]
    public async Task SigTerm_MidRun_LeavesNoTaskRunningAndARestartedHostFinishesTheRest(CancellationToken cancellationToken)
    {
        var api = await Cluster.StartAsync("api", HostSettings.Api(Database.ConnectionString), cancellationToken);
        await Workload.CreateOrdersAsync(api, WorkflowCount, cancellationToken);
        // A lease much longer than the heartbeat: no lease of a live worker can run out under load, so a
        // TASK_LEASE_EXPIRED row can only mean the stop left a task behind.
        var first = await Cluster.StartAsync(
            "first", HostSettings.Worker(Database.ConnectionString, "first") with { LeaseDuration = LongLease }, cancellationToken);

        // The stop comes once a fifth of the tasks are done, at a moment the worker holds some.
        await Poll.UntilAsync(
            "a fifth of the tasks to be done, and the first worker to hold RUNNING tasks",
            () => Inspector.ProgressAsync("first"),
            progress => progress.CompletedTasks >= TaskCount / 5 && progress.HeldByOwner > 0,
            TimeSpan.FromSeconds(60),
            cancellationToken,
            Cluster.Diagnostics);
        var stopping = Stopwatch.StartNew();
        await first.TerminateAsync(cancellationToken);
        await first.WaitForExitAsync(ExitTimeout, cancellationToken);
        var stopTime = stopping.Elapsed;

        // Read before any other worker runs: this is exactly what the stopped process left behind.
        var runningAfterStop = await Inspector.RunningTasksAsync();
        var completedAfterStop = await Inspector.CompletedTaskCountAsync();
        var releases = await Inspector.ActionCountsAsync(ActivityAction.TaskReleased);
        var releasedAfterStop = await Inspector.TasksAsync(releases.Keys);
        var attemptMismatchesAfterStop = await Inspector.AttemptCountMismatchesAsync();

        await TestContext.Out.WriteLineAsync(
            $"The first worker exited {stopTime.TotalSeconds:0.0}s after SIGTERM with code {first.ExitCode}, leaving " +
            $"{completedAfterStop} of {TaskCount} tasks completed and " +
            $"{releases.Count} tasks released.");

        var second = await Cluster.StartAsync(
            "second", HostSettings.Worker(Database.ConnectionString, "second") with { LeaseDuration = LongLease }, cancellationToken);
        var statuses = await Poll.UntilAsync(
            $"all {WorkflowCount} workflows to finish on the second worker",
            Inspector.WorkflowStatusesAsync,
            counts => counts.GetValueOrDefault(StatusNames.Completed) + counts.GetValueOrDefault(StatusNames.Failed) == WorkflowCount,
            TimeSpan.FromSeconds(120),
            cancellationToken,
            Cluster.Diagnostics,
            interval: TimeSpan.FromMilliseconds(200));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.ExitCode, Is.Zero, "a SIGTERM'd host should exit cleanly");
            Assert.That(stopTime, Is.LessThan(QuickStop),
                "the worker should stop claiming at once: the running tasks take milliseconds, the backlog seconds");
            Assert.That(completedAfterStop, Is.LessThan(TaskCount), "the stop should land in the middle of the run");
            Assert.That(runningAfterStop, Is.Empty, "no task RUNNING once the stopped host has exited");
            Assert.That(releasedAfterStop.Where(task => task.Status != StatusNames.Pending), Is.Empty,
                "a task released at shutdown waits PENDING for the next worker");
            Assert.That(attemptMismatchesAfterStop, Is.Empty, "a release gives its attempt back");
            Assert.That(second.HasExited, Is.False, "the second worker should still run");
            Assert.That(statuses.GetValueOrDefault(StatusNames.Completed), Is.EqualTo(WorkflowCount), "every workflow COMPLETED");
            Assert.That(await Inspector.TasksNotCompletedExactlyOnceAsync(), Is.Empty, "every task COMPLETED with one TASK_COMPLETED row");
            Assert.That(await Inspector.WorkflowsNotCompletedExactlyOnceAsync(), Is.Empty, "every workflow has one WORKFLOW_COMPLETED row");
            Assert.That(await Inspector.AttemptCountMismatchesAsync(), Is.Empty, "attempts count the claims less the releases");
            Assert.That(await Inspector.ActionCountsAsync(ActivityAction.TaskLeaseExpired), Is.Empty,
                "a clean stop leaves no lease for the sweep to take back");
        }
    }
}
