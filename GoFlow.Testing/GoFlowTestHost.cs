using GoFlow.Adapters.Sqlite;
using GoFlow.Application;
using GoFlow.Domain;
using GoFlow.Domain.Transitions;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GoFlow.Testing;

/// <summary>
/// GoFlow in a test: your workflow definitions and real handlers, GoFlow's own application (the step logic,
/// retries, timeouts, the state machine) and its SQLite store on a throwaway file, with a fake clock.
/// <see cref="RunAsync"/> starts a workflow and runs it to the end without sleeping: when nothing is due, time skips
/// to the next retry (or a waiting step's end, or a signal's timeout); while a handler waits on the clock, time skips to
/// the next timer (its delay or its timeout). <see cref="SignalAsync"/> sends a signal as the REST API does.
/// </summary>
/// <example>
/// <code>
/// await using var goflow = await GoFlowTestHost.StartAsync(builder => builder
///     .AddWorkflow("Refund", "CheckOrder", "IssueRefund")
///     .AddTaskHandler&lt;CheckOrder&gt;("CheckOrder")
///     .AddTaskHandler&lt;IssueRefund&gt;("IssueRefund"));
/// var run = await goflow.RunAsync("Refund", """{"order_id": "A-1"}""");
/// Assert.That(run.Status, Is.EqualTo(WorkflowStatus.Completed));
/// </code>
/// </example>
/// <remarks>
/// Tasks run one at a time, in the order the store hands them out, through the driving ports the worker uses
/// (<see cref="IClaimTasks"/>, <see cref="IExecuteTask"/>); the polling worker itself, its heartbeats and the lease
/// recovery do not run (ADR 0014). Time stands still while a handler works: only a handler that awaits the clock
/// it was given (<see cref="TimeProvider"/> from its constructor) lets time move while it runs.
/// </remarks>
public sealed partial class GoFlowTestHost : IAsyncDisposable
{
    /// <summary>The lease owner of every task this host runs.</summary>
    public const string WorkerId = "goflow-test-host";

    /// <summary>How many timed-out signal steps one sweep fails: more than a test's workflow has steps.</summary>
    private const int SweepBatch = 100;

    private readonly IHost _host;
    private readonly TestClock _clock;
    private readonly TimeSpan _realTimeLimit;

    private GoFlowTestHost(IHost host, TestClock clock, TimeSpan realTimeLimit, string databasePath)
    {
        _host = host;
        _clock = clock;
        _realTimeLimit = realTimeLimit;
        DatabasePath = databasePath;
    }

    /// <summary>
    /// The host's clock: every time GoFlow records is read from it. Move it yourself to test what happens between
    /// runs; <see cref="RunUntilFinishedAsync"/> moves it as the workflow needs.
    /// </summary>
    public FakeTimeProvider Clock => _clock;

    /// <summary>The host's services: the driving ports (<see cref="ICancelWorkflow"/>, ...) and your own.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The SQLite file the workflows are stored in; deleted on dispose.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Builds and starts a host: <paramref name="configure"/> adds the workflows and handlers. Fails like a GoFlow host
    /// at start when the configuration is wrong (a task without a handler, say).
    /// </summary>
    public static async Task<GoFlowTestHost> StartAsync(
        Action<GoFlowTestHostBuilder> configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var databasePath = Path.Combine(Path.GetTempPath(), $"goflow-test-{Guid.NewGuid():N}.db");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddGoFlowApplication().AddGoFlowSqlite();

        var kit = new GoFlowTestHostBuilder(builder.Services, builder.Configuration);
        configure(kit);

        // After the user's registrations, so that these win: the store is always the throwaway file, the clock the fake.
        var clock = new TestClock(kit.StartTime);
        builder.Services.PostConfigure<SqliteOptions>(options =>
        {
            options.Path = databasePath;
            options.ApplySchemaOnStart = true;
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        builder.Services.Replace(ServiceDescriptor.Singleton<ILeasePolicy, OutlastingLeasePolicy>());
        TrackedTaskHandler.WrapAll(builder.Services);

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new GoFlowTestHost(host, clock, kit.RealTimeLimit, databasePath);
        }
        catch
        {
            host.Dispose();
            DeleteDatabase(databasePath);
            throw;
        }
    }

    /// <summary>Starts <paramref name="workflowName"/> on <paramref name="inputPayload"/> and runs it to the end.</summary>
    /// <param name="inputPayload">The input as JSON object text, as a client posts it.</param>
    public async Task<WorkflowRun> RunAsync(
        string workflowName, string inputPayload = "{}", CancellationToken cancellationToken = default)
    {
        var id = await StartWorkflowAsync(workflowName, inputPayload, idempotencyKey: null, cancellationToken);
        return await RunUntilFinishedAsync(id, cancellationToken);
    }

    /// <summary>
    /// Runs the tasks that are due, one at a time, until workflow <paramref name="id"/> is COMPLETED, FAILED or
    /// CANCELLED, moving the clock whenever nothing is due to the next retry, the end of a wait or, when a step waits
    /// for a signal that was not sent, to its timeout (the step then fails as the worker's sweep would fail it); then
    /// reads it back. To send the signal while its step waits, run with <see cref="RunUntilWaitingForSignalAsync"/> first.
    /// </summary>
    /// <exception cref="TimeoutException">
    /// The workflow did not finish within <see cref="GoFlowTestHostBuilder.RealTimeLimit"/> of real time (a handler
    /// that never returns and waits on nothing the fake clock controls).
    /// </exception>
    public Task<WorkflowRun> RunUntilFinishedAsync(WorkflowId id, CancellationToken cancellationToken = default) =>
        RunUntilAsync(id, stopWhenWaitingForSignal: false, cancellationToken);

    /// <summary>
    /// Runs workflow <paramref name="id"/> as <see cref="RunUntilFinishedAsync"/> does, but stops as soon as one of its
    /// steps waits for a signal (its task WAITING, due at its timeout), so that the test can look at it and then
    /// <see cref="SignalAsync"/>; or when the workflow finishes first.
    /// </summary>
    /// <exception cref="TimeoutException">As for <see cref="RunUntilFinishedAsync"/>.</exception>
    public Task<WorkflowRun> RunUntilWaitingForSignalAsync(WorkflowId id, CancellationToken cancellationToken = default) =>
        RunUntilAsync(id, stopWhenWaitingForSignal: true, cancellationToken);

    private async Task<WorkflowRun> RunUntilAsync(WorkflowId id, bool stopWhenWaitingForSignal, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_realTimeLimit);
        try
        {
            while (true)
            {
                var ranAny = await RunDueTasksAsync(limit.Token);
                var run = await GetRunAsync(id, limit.Token);
                if (WorkflowTransitions.IsFinished(run.Status)
                    || (stopWhenWaitingForSignal && run.Tasks.Any(task => task.Status == WorkflowTaskStatus.Waiting)))
                {
                    return run;
                }

                if (ranAny)
                {
                    continue;
                }

                // A PENDING task's due time, or a WAITING one's timeout.
                var nextDue = run.Tasks
                    .Where(task => task.Status is WorkflowTaskStatus.Pending or WorkflowTaskStatus.Waiting)
                    .Select(task => (DateTimeOffset?)task.ScheduledAt)
                    .Min();
                if (nextDue is null)
                {
                    throw new InvalidOperationException(
                        $"Workflow {run.WorkflowName} ({id}) is {run.Status} but has no task waiting to run: " +
                        string.Join(", ", run.Tasks.Select(task => $"{task.TaskName} {task.Status}")) + ".");
                }

                _clock.AdvanceTo(nextDue.Value);
                await SweepAsync(limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Workflow {id} did not finish within {_realTimeLimit} of real time. A handler that waits must wait on " +
                "the TimeProvider it is given, so that the test host's clock can skip the wait; one that waits on " +
                "anything else (a real delay, a lock, I/O that never ends) holds the run.");
        }
    }

    /// <summary>Reads workflow <paramref name="id"/> back: status, tasks and activity log.</summary>
    /// <exception cref="ArgumentException">There is no workflow with that id.</exception>
    public async Task<WorkflowRun> GetRunAsync(WorkflowId id, CancellationToken cancellationToken = default)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var details = await scope.ServiceProvider.GetRequiredService<IGetWorkflow>()
            .GetAsync(new GetWorkflowQuery(id), cancellationToken)
            ?? throw new ArgumentException($"There is no workflow {id}.", nameof(id));
        var activity = await scope.ServiceProvider.GetRequiredService<IGetWorkflowActivity>()
            .GetAsync(new GetWorkflowActivityQuery(id), cancellationToken) ?? [];

        return WorkflowRun.From(details, activity);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
            DeleteDatabase(DatabasePath);
        }
    }

    /// <summary>
    /// What the worker's sweep does once time has moved (<see cref="IRecoverExpiredTasks"/>): a signal step whose timeout
    /// came fails. No lease expires here: the host's leases outlast any run (<see cref="OutlastingLeasePolicy"/>).
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IRecoverExpiredTasks>().RecoverAsync(SweepBatch, cancellationToken);
    }

    /// <returns>Whether any task ran.</returns>
    private async Task<bool> RunDueTasksAsync(CancellationToken cancellationToken)
    {
        var ranAny = false;
        while (true)
        {
            IReadOnlyList<ClaimedTask> claimed;
            await using (var scope = _host.Services.CreateAsyncScope())
            {
                claimed = await scope.ServiceProvider.GetRequiredService<IClaimTasks>().ClaimAsync(
                    new ClaimTasksCommand(WorkerId, MaxTasks: 1), cancellationToken);
            }

            if (claimed.Count == 0)
            {
                return ranAny;
            }

            // A completed step hands its next step over already claimed (ADR 0011), as it does to the worker.
            for (ClaimedTask? next = claimed[0]; next is not null;)
            {
                next = await ExecuteAsync(next, cancellationToken);
            }

            ranAny = true;
        }
    }

    /// <returns>The next step's task, when it was handed over.</returns>
    private async Task<ClaimedTask?> ExecuteAsync(ClaimedTask task, CancellationToken cancellationToken)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var execution = scope.ServiceProvider.GetRequiredService<IExecuteTask>()
            .ExecuteAsync(task, handOver: true, cancellationToken);
        while (!execution.IsCompleted)
        {
            var handlerWaits = _clock.WhenAHandlerWaitsAsync();
            // Bounded by the real-time limit too: a handler that ignores its cancellation token must not hold the test.
            var first = await Task.WhenAny(execution, handlerWaits).WaitAsync(cancellationToken);
            if (first == handlerWaits && !execution.IsCompleted)
            {
                // The handler waits for time to pass: the next timer is its own delay or the attempt's timeout.
                _clock.AdvanceToNextTimer();
            }
        }

        return (await execution).NextTask;
    }

    private static void DeleteDatabase(string path)
    {
        // Pooled connections keep the file open (on Windows, they would stop the delete).
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
