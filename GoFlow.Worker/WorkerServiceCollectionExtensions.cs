using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the polling worker, configured by the <c>Worker</c> section and validated at start, the
    /// in-process signal that wakes it when this process queues a task, and the retention sweep (<c>Retention</c>).
    /// </summary>
    public static IServiceCollection AddGoFlowWorker(this IServiceCollection services)
    {
        services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WorkAvailableSignal>();
        services.Replace(ServiceDescriptor.Singleton<IWorkAvailableSignal>(
            provider => provider.GetRequiredService<WorkAvailableSignal>()));
        services.AddHostedService<TaskWorker>();

        services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<RetentionSweeper>();
        return services;
    }
}
