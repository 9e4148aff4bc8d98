using FluentValidation;
using GoFlow.Application.Definitions;
using GoFlow.Application.Tasks;
using GoFlow.Application.Telemetry;
using GoFlow.Application.UseCases;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoFlow.Application;

public static class ApplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the use cases and the workflow definitions of the <c>Workflows</c> configuration section,
    /// validated at start against the registered task handlers, and the limit on what a step may store
    /// (<see cref="StepOutputOptions"/>, the <c>StepOutput</c> section).
    /// Also the engine's telemetry and the background count of pending and running tasks behind its gauges, which
    /// needs the store's <see cref="ITaskStatistics"/>.
    /// </summary>
    public static IServiceCollection AddGoFlowApplication(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWorkAvailableSignal, NoWorkAvailableSignal>();
        services.TryAddSingleton<IRetentionPolicy, UnknownRetentionPolicy>();
        services.TryAddSingleton<EngineTelemetry>();
        services.TryAddSingleton<CompletionGroupCommit>();
        services.TryAddSingleton<CreationGroupCommit>();
        services.AddHostedService<TaskCountsRefresher>();

        services.AddOptions<TaskPolicyOptions>()
            .BindConfiguration(TaskPolicyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<StepOutputOptions>()
            .BindConfiguration(StepOutputOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<WorkflowsOptions>()
            .BindConfiguration(WorkflowsOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkflowsOptions>, WorkflowsOptionsValidator>();
        services.AddSingleton<IWorkflowDefinitions, ConfiguredWorkflowDefinitions>();

        services.AddSingleton<IValidator<StartWorkflowCommand>, StartWorkflowCommandValidator>();
        services.AddScoped<IStartWorkflow, StartWorkflow>();
        services.AddScoped<IGetWorkflow, GetWorkflow>();
        services.AddScoped<IGetWorkflowActivity, GetWorkflowActivity>();
        services.AddScoped<IListWorkflowDefinitions, ListWorkflowDefinitions>();
        services.AddScoped<IClaimTasks, ClaimTasks>();
        services.AddScoped<IExecuteTask, ExecuteTask>();
        services.AddScoped<IRenewLeases, RenewLeases>();
        services.AddScoped<IRecoverExpiredTasks, RecoverExpiredTasks>();
        services.AddScoped<IReleaseTask, ReleaseTask>();
        services.AddScoped<IListWorkflows, ListWorkflows>();
        services.AddScoped<ICancelWorkflow, CancelWorkflow>();
        services.AddScoped<IRetryWorkflow, RetryWorkflow>();
        services.AddScoped<IPurgeFinishedWorkflows, PurgeFinishedWorkflows>();
        services.AddScoped<IGetWorkflowOverview, GetWorkflowOverview>();
        services.AddScoped<IListWorkflowSummaries, ListWorkflowSummaries>();
        services.AddScoped<IFindWorkflow, FindWorkflow>();
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> as the handler of the task named <paramref name="taskName"/>,
    /// a new instance for every attempt.
    /// </summary>
    public static IServiceCollection AddGoFlowTaskHandler<THandler>(this IServiceCollection services, string taskName)
        where THandler : class, ITaskHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskName);
        services.AddKeyedTransient<ITaskHandler, THandler>(taskName);
        return services;
    }
}
