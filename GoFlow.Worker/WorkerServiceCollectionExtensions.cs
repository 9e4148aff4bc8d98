using GoFlow.Ports.Driven;
using GoFlow.Worker.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>The tag of the checks a readiness probe runs (the HTTP adapter's <c>/health/ready</c>).</summary>
    private const string ReadyTag = "ready";

    /// <summary>
    /// Registers the polling worker, configured by the <c>Worker</c> section and validated at start: its claim loop,
    /// its lease heartbeat and its sweep of expired leases, each a hosted service; the in-process signal that wakes
    /// the claim loop when this process queues a task; the retention sweep (<c>Retention</c>); the schedule runner
    /// that starts the workflows of the <c>Schedules</c> section when they are due; and
    /// the health check <c>worker</c>, tagged <c>ready</c>: healthy while the worker's claim loop runs.
    /// </summary>
    public static IServiceCollection AddGoFlowWorker(this IServiceCollection services)
    {
        services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        // This process claims, so its configured lease replaces the application's default.
        services.Replace(ServiceDescriptor.Singleton<ILeasePolicy, ConfiguredLeasePolicy>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WorkAvailableSignal>();
        services.Replace(ServiceDescriptor.Singleton<IWorkAvailableSignal>(
            provider => provider.GetRequiredService<WorkAvailableSignal>()));
        services.AddSingleton<RunningAttempts>();
        services.AddSingleton<WorkerShare>();
        // Before the worker: a host stops its services in reverse order, and the heartbeat must keep the leases of
        // the tasks that still run while the worker stops.
        services.AddHostedService<LeaseHeartbeat>();
        services.AddHostedService<TaskWorker>();
        services.AddHostedService<ExpiredLeaseSweeper>();
        services.AddSingleton<WorkerLoopState>();
        services.AddHealthChecks().AddCheck<WorkerHealthCheck>(WorkerHealthCheck.Name, tags: [ReadyTag]);

        services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<RetentionSweeper>();
        services.AddHostedService<ScheduleRunner>();
        // This process sweeps, so it knows the setting (the application's default says it does not).
        services.Replace(ServiceDescriptor.Singleton<IRetentionPolicy, ConfiguredRetentionPolicy>());
        return services;
    }
}
