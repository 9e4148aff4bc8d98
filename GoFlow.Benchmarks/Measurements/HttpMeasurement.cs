using GoFlow.Benchmarks.ChildHost;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// HTTP: POST /workflows per second from C keep-alive clients for D seconds (after a warm-up that is not counted),
/// against GoFlow.Host as a child process on the same store. With the Worker role (the default Api,Worker) the host
/// also runs what is posted; the measurement then waits for it to finish, and reports that run too.
/// </summary>
internal sealed class HttpMeasurement(BenchmarkContext context)
{
    public async Task<HttpResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = context.Options;
        var dll = HostProcess.FindHostDll(options.HostDll);
        var since = context.Now();
        context.Say($"http: starting {dll} as {options.HttpRoles}");
        HttpLoadFigures figures;
        ThroughputResult? drain = null;
        long left;
        await using (var host = HostProcess.Launch(dll, ChildHostSettings.For(context, options.HttpRoles, WorkflowNames.Http), context.Time))
        {
            await host.WaitUntilReadyAsync(cancellationToken);
            context.Say($"http: host pid {host.Pid} ready on {host.BaseAddress}; {options.HttpClients} clients");
            using var load = new HttpLoad(host.BaseAddress, options.HttpClients, context.Time);
            await load.RunAsync(WorkflowNames.Http, options.HttpWarmUp, count: null, cancellationToken);
            figures = await load.RunAsync(WorkflowNames.Http, options.HttpDuration, count: null, cancellationToken);
            context.Say($"http: {figures.OkPerSecond:F0} POST/s (2xx), {figures.Failed} failed");

            if (ChildHostSettings.HasWorker(options.HttpRoles))
            {
                context.Say("http: waiting for the host to run what was posted");
                left = await RunCompletion.WaitAsync(context, WorkflowNames.Http, since, cancellationToken, options.Timeout);
                if (left == 0)
                {
                    var run = await RunRecord.ReadAsync(context.Store, WorkflowNames.Http, since, expected: null, cancellationToken);
                    drain = new ThroughputResult(
                        "the host's run of the posted workflows",
                        run.Workflows.Count,
                        options.Steps,
                        (run.LastCompleted - run.FirstCreated).TotalSeconds,
                        null,
                        run.CreateToCompleted(),
                        run.StepGaps(),
                        run.StepIntervals(),
                        0);
                }
            }
            else
            {
                left = await context.Store.CountUnfinishedWorkflowsAsync(WorkflowNames.Http, since, cancellationToken);
            }
        }

        return new HttpResult(dll, options.HttpRoles, options.HttpClients, figures, drain, left);
    }
}
