using System.Globalization;
using System.Text.Json;
using GoFlow.Application;
using GoFlow.Benchmarks.Stores;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using GoFlow.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoFlow.Benchmarks.Engine;

/// <summary>
/// The engine in this process, composed as GoFlow.Host composes it minus HTTP: the application, the store's adapter,
/// the worker, and no-op handlers for the steps of <see cref="WorkflowNames.InProcess"/>. Configured only from the
/// benchmark's options (the environment and appsettings files are not read), so a run is repeatable.
/// </summary>
internal sealed class InProcessEngine : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessEngine(IHost host)
    {
        _host = host;
        Signals = host.Services.GetRequiredService<LastStepSignals>();
    }

    public LastStepSignals Signals { get; }

    /// <summary>
    /// Starts the engine; with <paramref name="worker"/> false only the store's start-up (its schema) runs. The worker
    /// brings the engine's retention sweep, on with <see cref="BenchmarkOptions.Retention"/> as its age, as a host's
    /// <c>Retention</c> section would turn it on, and off when that is null.
    /// </summary>
    public static async Task<InProcessEngine> StartAsync(
        BenchmarkOptions options, BenchmarkStore store, bool worker, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        var settings = new Dictionary<string, string?>
        {
            [$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.PollInterval)}"] = options.PollInterval.ToString("c", CultureInfo.InvariantCulture),
            [$"{RetentionOptions.SectionName}:{nameof(RetentionOptions.Enabled)}"] = options.Retention is null ? "false" : "true",
        };
        if (options.Retention is { } retention)
        {
            settings[$"{RetentionOptions.SectionName}:{nameof(RetentionOptions.MaxAge)}"] = retention.ToString("c", CultureInfo.InvariantCulture);
        }

        if (options.RetentionBatch is { } retentionBatch)
        {
            settings[$"{RetentionOptions.SectionName}:{nameof(RetentionOptions.BatchSize)}"] = retentionBatch.ToString(CultureInfo.InvariantCulture);
        }

        if (options.Batch is { } batch)
        {
            settings[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.BatchSize)}"] = batch.ToString(CultureInfo.InvariantCulture);
        }

        if (options.Concurrency is { } concurrency)
        {
            settings[$"{WorkerOptions.SectionName}:{nameof(WorkerOptions.MaxConcurrency)}"] = concurrency.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var workflow in WorkflowNames.InProcess)
        {
            for (var step = 0; step < options.Steps; step++)
            {
                settings[$"Workflows:{workflow}:Tasks:{step}"] = WorkflowNames.NoopTask(step);
            }
        }

        builder.Services.AddGoFlowApplication();
        store.AddEngineStore(builder.Services, settings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<LastStepSignals>();
        for (var step = 0; step < options.Steps - 1; step++)
        {
            builder.Services.AddGoFlowTaskHandler<NoopHandler>(WorkflowNames.NoopTask(step));
        }

        builder.Services.AddGoFlowTaskHandler<LastStepHandler>(WorkflowNames.NoopTask(options.Steps - 1));
        if (worker)
        {
            builder.Services.AddGoFlowWorker();
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new InProcessEngine(host);
    }

    /// <summary>Starts a workflow as an API caller would, through the driving port, in a scope of its own.</summary>
    public async Task<WorkflowView> StartWorkflowAsync(string workflowName, JsonElement? input, CancellationToken cancellationToken)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IStartWorkflow>()
            .StartAsync(new StartWorkflowCommand(workflowName, input), cancellationToken);
        return result is StartWorkflowResult.Started started
            ? started.Workflow
            : throw new InvalidOperationException($"Starting {workflowName} was refused: {result}");
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
        }
    }
}
