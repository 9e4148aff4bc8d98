using GoFlow.Benchmarks.ChildHost;

namespace GoFlow.Benchmarks.Measurements;

/// <summary>
/// Memory: the resident set (VmRSS, Linux's working set) of GoFlow.Host child processes, read from /proc every 100 ms
/// and with the kernel's high-water mark (VmHWM). First an API-only host (GoFlow:Roles=Api, no worker) is sent the
/// backlog, N POST /workflows from the HTTP clients, and then holds it idle for 2 s: the figure "while only queued".
/// Then it is stopped and a host with the worker (Api,Worker) is started on the same store and drains the backlog,
/// sampled from its launch until the last workflow is COMPLETED: the figure "while draining".
/// </summary>
internal sealed class MemoryMeasurement(BenchmarkContext context)
{
    private static readonly TimeSpan IdleWithBacklog = TimeSpan.FromSeconds(2);

    public async Task<MemoryResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = context.Options;
        var dll = HostProcess.FindHostDll(options.HostDll);
        var since = context.Now();

        HttpLoadFigures queueing;
        MemoryFigures whileQueued;
        context.Say($"memory: queueing {options.MemoryWorkflows} workflows through an API-only host");
        await using (var apiHost = HostProcess.Launch(dll, ChildHostSettings.For(context, "Api", WorkflowNames.Memory), context.Time))
        {
            await using var sampler = new MemorySampler(apiHost, context.Time);
            await apiHost.WaitUntilReadyAsync(cancellationToken);
            using (var load = new HttpLoad(apiHost.BaseAddress, options.HttpClients, context.Time))
            {
                queueing = await load.RunAsync(WorkflowNames.Memory, duration: null, options.MemoryWorkflows, cancellationToken);
            }

            await Task.Delay(IdleWithBacklog, context.Time, cancellationToken);
            whileQueued = await sampler.StopAsync();
        }

        var queued = await context.Store.CountUnfinishedWorkflowsAsync(WorkflowNames.Memory, since, cancellationToken);
        context.Say($"memory: {queued} queued ({queueing.OkPerSecond:F0} POST/s, {queueing.Failed} failed); API-only host peak {whileQueued.PeakMb:F0} MB");

        MemoryFigures whileDraining;
        double drainSeconds;
        long left;
        context.Say("memory: draining them with a host that runs the worker");
        await using (var workerHost = HostProcess.Launch(dll, ChildHostSettings.For(context, "Api,Worker", WorkflowNames.Memory), context.Time))
        {
            await using var sampler = new MemorySampler(workerHost, context.Time);
            var clock = context.Time.GetTimestamp();
            await workerHost.WaitUntilReadyAsync(cancellationToken);
            left = await RunCompletion.WaitAsync(context, WorkflowNames.Memory, since, cancellationToken, options.Timeout);
            drainSeconds = context.Time.GetElapsedTime(clock).TotalSeconds;
            whileDraining = await sampler.StopAsync();
        }

        ThroughputResult? drain = null;
        if (left == 0)
        {
            var run = await RunRecord.ReadAsync(context.Store, WorkflowNames.Memory, since, expected: null, cancellationToken);
            drain = new ThroughputResult(
                "the worker host's drain of the backlog",
                run.Workflows.Count,
                options.Steps,
                (run.LastCompleted - run.FirstStarted).TotalSeconds,
                null,
                run.CreateToCompleted(),
                run.StepGaps(),
                run.StepIntervals(),
                0);
        }

        context.Say($"memory: draining host peak {whileDraining.PeakMb:F0} MB (VmHWM {whileDraining.HighWaterMb:F0} MB), {left} left");
        return new MemoryResult(queued, queueing, whileQueued, whileDraining, drainSeconds, left, drain);
    }
}
