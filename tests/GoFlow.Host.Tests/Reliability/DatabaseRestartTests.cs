using System.Diagnostics;
using System.Net;
using GoFlow.Domain;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// The database goes away in the middle of a run and comes back: the worker process rides it out (logs, backs off,
/// retries) instead of exiting, the API says 503 meanwhile, and every workflow completes once it is back. The test
/// stops and starts a MariaDB server of its own, never the shared test server.
/// </summary>
[NonParallelizable]
public sealed class DatabaseRestartTests
{
    private const int WorkflowCount = 500;
    private const int TaskCount = WorkflowCount * Workload.TasksPerWorkflow;

    /// <summary>How long the database stays down: the scenario itself, as the issue describes it.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private PrivateMariaDb? _server;
    private HostCluster _cluster = null!;

    [SetUp]
    public void CreateCluster() => _cluster = new HostCluster();

    [TearDown]
    public async Task TearDown()
    {
        try
        {
            await _cluster.DisposeAsync();
        }
        finally
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task MariaDbRestart_StoppedForTenSecondsMidRun_ApiAnswers503AndTheWorkerSurvivesAndFinishesEveryWorkflow(
        CancellationToken cancellationToken)
    {
        _server = await PrivateMariaDb.StartAsync(cancellationToken);
        // A database the hosts create themselves (MySql:ApplySchemaOnStart), as on a first deployment.
        var connectionString = _server.ConnectionStringFor("goflow_restart");
        var inspector = new RunInspector(connectionString);

        var api = await _cluster.StartAsync("api", HostSettings.Api(connectionString), cancellationToken);
        var workflowIds = await Workload.CreateOrdersAsync(api, WorkflowCount, cancellationToken);
        // One worker running a few tasks at a time, so that the run outlasts the moment the database goes down.
        var worker = await _cluster.StartAsync(
            "worker",
            HostSettings.Worker(connectionString, "worker") with { BatchSize = 2, MaxConcurrency = 2 },
            cancellationToken);

        // The database goes down once a tenth of the tasks are done, at a moment the worker holds some.
        await Poll.UntilAsync(
            "a tenth of the tasks to be done, and the worker to hold RUNNING tasks",
            () => inspector.ProgressAsync("worker"),
            progress => progress.CompletedTasks >= TaskCount / 10 && progress.HeldByOwner > 0,
            TimeSpan.FromSeconds(60),
            cancellationToken,
            _cluster.Diagnostics);
        var completedBeforeOutage = await inspector.CompletedTaskCountAsync();
        var outage = Stopwatch.StartNew();
        await _server.StopAsync(cancellationToken);

        // What a client sees while the database is down: the first answer that is not a 200.
        var answerWhileDown = await Poll.UntilAsync(
            "GET /workflows/{id} to answer anything but 200 while the database is down",
            () => GetAsync(api, $"/workflows/{workflowIds[0]}", cancellationToken),
            answer => answer.Status != HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            cancellationToken,
            _cluster.Diagnostics);
        var workerAliveWhileDown = !worker.HasExited;

        // Not a wait for a condition: the database staying down this long IS the scenario under test.
        var remaining = Outage - outage.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken);
        }

        await _server.StartAgainAsync(cancellationToken);
        var downFor = outage.Elapsed;
        var completedWhenBack = await inspector.CompletedTaskCountAsync();
        var statuses = await Poll.UntilAsync(
            $"all {WorkflowCount} workflows to finish after the restart",
            inspector.WorkflowStatusesAsync,
            counts => counts.GetValueOrDefault(StatusNames.Completed) + counts.GetValueOrDefault(StatusNames.Failed) == WorkflowCount,
            TimeSpan.FromSeconds(120),
            cancellationToken,
            _cluster.Diagnostics,
            interval: TimeSpan.FromMilliseconds(200));
        await TestContext.Out.WriteLineAsync(
            $"The database went down with {completedBeforeOutage} of {TaskCount} tasks completed, for " +
            $"{downFor.TotalSeconds:0.0}s in all; {completedWhenBack} were completed when it was back.");
        var answerWhenBack = await GetAsync(api, $"/workflows/{workflowIds[0]}", cancellationToken);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completedWhenBack, Is.LessThan(TaskCount), "the outage should land in the middle of the run");
            Assert.That(workerAliveWhileDown, Is.True, "the worker process should live through the outage");
            Assert.That(worker.HasExited, Is.False, "the worker process should still run after the outage");
            Assert.That(api.HasExited, Is.False, "the API process should still run after the outage");
            Assert.That(answerWhileDown.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable),
                $"GET /workflows/{{id}} while the database is down: {answerWhileDown}");
            Assert.That(answerWhileDown.ContentType, Is.EqualTo("application/problem+json"),
                $"the 503 should be a problem+json body: {answerWhileDown}");
            Assert.That(answerWhenBack.Status, Is.EqualTo(HttpStatusCode.OK), $"the API serves again: {answerWhenBack}");
            Assert.That(statuses.GetValueOrDefault(StatusNames.Completed), Is.EqualTo(WorkflowCount), "every workflow COMPLETED");
            Assert.That(await inspector.TaskCountAsync(), Is.EqualTo(TaskCount), "every step created once");
            Assert.That(await inspector.TasksNotCompletedExactlyOnceAsync(), Is.Empty, "every task COMPLETED with one TASK_COMPLETED row");
            Assert.That(await inspector.WorkflowsNotCompletedExactlyOnceAsync(), Is.Empty, "every workflow has one WORKFLOW_COMPLETED row");
        }
    }

    private static async Task<HttpAnswer> GetAsync(HostProcess api, string path, CancellationToken cancellationToken)
    {
        using var response = await api.Client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return new HttpAnswer(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private sealed record HttpAnswer(HttpStatusCode Status, string? ContentType, string Body);
}
