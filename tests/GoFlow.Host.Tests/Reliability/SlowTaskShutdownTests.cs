using System.Diagnostics;
using System.Net;
using System.Text;
using GoFlow.Domain;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// SIGTERM while tasks are mid-run, at process level, with the slow handler that only test configuration gives a host
/// (<c>Testing__SlowTaskDelay</c>, the SlowTask of GoFlow.Host's sample tasks): a task that can finish within
/// <c>HostOptions:ShutdownTimeout</c> finishes; one that cannot is released (TASK_RELEASED, its attempt given back).
/// Either way no lease is left to the sweep, and a restarted host finishes everything.
/// </summary>
[NonParallelizable]
public sealed class SlowTaskShutdownTests : ClusterFixture
{
    private const int WorkflowCount = 6;
    private const int Slots = 4;

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LongLease = TimeSpan.FromSeconds(30);

    // Every host that knows the workflow needs its handler registered (the definitions are checked at start), the API
    // host too, although it runs nothing.
    private static readonly Dictionary<string, string> SlowProcess = new()
    {
        ["Workflows__SlowProcess__Tasks__0"] = "SlowTask",
        ["Workflows__SlowProcess__Tasks__1"] = "SlowTask",
        ["Testing__SlowTaskDelay"] = "00:00:01",
    };

    [TestCase("00:01:00", "00:00:02", false, TestName = "SigTerm_TasksLongerThanTheShutdownTimeout_AreReleasedWithTheirAttemptGivenBack")]
    [TestCase("00:00:03", "00:00:20", true, TestName = "SigTerm_TasksWithinTheShutdownTimeout_FinishBeforeTheHostExits")]
    [CancelAfter(240_000)]
    public async Task SigTerm_SlowTasksMidRun(string taskDelay, string shutdownTimeout, bool finish, CancellationToken cancellationToken)
    {
        var api = await Cluster.StartAsync(
            "api", HostSettings.Api(Database.ConnectionString) with { Extra = SlowProcess }, cancellationToken);
        for (var i = 0; i < WorkflowCount; i++)
        {
            await StartSlowProcessAsync(api, cancellationToken);
        }

        var first = await Cluster.StartAsync(
            "first",
            Worker("first", taskDelay, shutdownTimeout),
            cancellationToken);
        await Poll.UntilAsync(
            $"the first worker to hold {Slots} RUNNING tasks",
            () => Inspector.ProgressAsync("first"),
            progress => progress.HeldByOwner == Slots && progress.CompletedTasks == 0,
            TimeSpan.FromSeconds(60),
            cancellationToken,
            Cluster.Diagnostics);
        var stopping = Stopwatch.StartNew();
        await first.TerminateAsync(cancellationToken);
        await first.WaitForExitAsync(ExitTimeout, cancellationToken);
        var stopTime = stopping.Elapsed;

        var runningAfterStop = await Inspector.RunningTasksAsync();
        var completedAfterStop = await Inspector.CompletedTaskCountAsync();
        var releases = await Inspector.ActionCountsAsync(ActivityAction.TaskReleased);
        var attemptMismatches = await Inspector.AttemptCountMismatchesAsync();
        await TestContext.Out.WriteLineAsync(
            $"The first worker exited {stopTime.TotalSeconds:0.0}s after SIGTERM: {completedAfterStop} tasks completed, {releases.Count} released.");

        var second = await Cluster.StartAsync("second", Worker("second", "00:00:00.050", "00:00:30"), cancellationToken);
        var statuses = await Poll.UntilAsync(
            $"all {WorkflowCount} workflows to finish on the second worker",
            Inspector.WorkflowStatusesAsync,
            counts => counts.GetValueOrDefault(StatusNames.Completed) + counts.GetValueOrDefault(StatusNames.Failed) == WorkflowCount,
            TimeSpan.FromSeconds(60),
            cancellationToken,
            Cluster.Diagnostics);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.ExitCode, Is.Zero, "a SIGTERM'd host should exit cleanly");
            Assert.That(runningAfterStop, Is.Empty, "no task RUNNING once the stopped host has exited");
            Assert.That(attemptMismatches, Is.Empty, "a release gives its attempt back");
            if (finish)
            {
                // A step that started before the stop asked for a hand-over then (ADR 0011), so its next step may run
                // too, within the same timeout.
                Assert.That(completedAfterStop, Is.GreaterThanOrEqualTo(Slots), "the tasks caught mid-run finished within the shutdown timeout");
                Assert.That(releases, Is.Empty, "nothing needed releasing");
            }
            else
            {
                Assert.That(completedAfterStop, Is.Zero, "no slow task could finish before the deadline");
                Assert.That(releases, Has.Count.EqualTo(Slots), "each task caught mid-run was released");
                Assert.That(stopTime, Is.LessThan(TimeSpan.FromSeconds(20)), "the host stopped at its shutdown timeout, not the tasks' end");
            }

            Assert.That(second.HasExited, Is.False);
            Assert.That(statuses.GetValueOrDefault(StatusNames.Completed), Is.EqualTo(WorkflowCount), "a restarted host finishes everything");
            Assert.That(await Inspector.TasksNotCompletedExactlyOnceAsync(), Is.Empty, "every task COMPLETED with one TASK_COMPLETED row");
            Assert.That(await Inspector.ActionCountsAsync(ActivityAction.TaskLeaseExpired), Is.Empty, "no lease left to the sweep");
        }
    }

    private HostSettings Worker(string workerId, string taskDelay, string shutdownTimeout) =>
        HostSettings.Worker(Database.ConnectionString, workerId) with
        {
            LeaseDuration = LongLease,
            HeartbeatInterval = TimeSpan.FromSeconds(2),
            BatchSize = Slots,
            MaxConcurrency = Slots,
            Extra = new Dictionary<string, string>(SlowProcess)
            {
                ["Testing__SlowTaskDelay"] = taskDelay,
                ["HostOptions__ShutdownTimeout"] = shutdownTimeout,
            },
        };

    private static async Task StartSlowProcessAsync(HostProcess api, CancellationToken cancellationToken)
    {
        using var content = new StringContent("""{"workflow_name": "SlowProcess", "input_payload": {}}""", Encoding.UTF8, "application/json");
        using var response = await api.Client.PostAsync(new Uri("/workflows", UriKind.Relative), content, cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
