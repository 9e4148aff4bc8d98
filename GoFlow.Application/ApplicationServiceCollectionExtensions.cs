using FluentValidation;
using GoFlow.Application.Definitions;
using GoFlow.Application.Schedules;
using GoFlow.Application.Tasks;
using GoFlow.Application.Telemetry;
using GoFlow.Application.UseCases;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Configuration;
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
        services.TryAddSingleton<IApiLoad, NoApiLoad>();
        services.TryAddSingleton<IRetentionPolicy, UnknownRetentionPolicy>();
        services.TryAddSingleton<ILeasePolicy, DefaultLeasePolicy>();
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
            .BindConfiguration(WorkflowsOptions.SectionName, StrictDictionaryBinding)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkflowsOptions>, WorkflowsOptionsValidator>();
        services.AddSingleton<IWorkflowDefinitions, ConfiguredWorkflowDefinitions>();
        services.AddOptions<SchedulesOptions>()
            .BindConfiguration(SchedulesOptions.SectionName, StrictDictionaryBinding)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulesOptions>, SchedulesOptionsValidator>();
        services.AddSingleton<ConfiguredSchedules>();

        services.AddSingleton<IValidator<StartWorkflowCommand>, StartWorkflowCommandValidator>();
        // Holds only singletons and nothing to dispose: transient spares each start's scope the cache of its scoped
        // services (docs/benchmarks.md, issue 16, round ten).
        services.AddTransient<IStartWorkflow, StartWorkflow>();
        services.AddScoped<IDeliverSignal, DeliverSignal>();
        services.AddScoped<IGetWorkflow, GetWorkflow>();
        services.AddScoped<IGetWorkflowActivity, GetWorkflowActivity>();
        services.AddScoped<IListWorkflowDefinitions, ListWorkflowDefinitions>();
        services.AddScoped<IClaimTasks, ClaimTasks>();
        // Resolved once in each step's scope, and holding nothing to dispose: transient spares the scope a cache entry.
        services.AddTransient<IExecuteTask, ExecuteTask>();
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
        services.AddScoped<IListSchedules, ListSchedules>();
        services.AddScoped<IPauseSchedule, PauseSchedule>();
        services.AddScoped<ITriggerSchedule, TriggerSchedule>();
        services.AddScoped<IFireDueSchedules, FireDueSchedules>();
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

    /// <summary>
    /// Defines the workflow <paramref name="name"/> in code: <c>w =&gt; w.Step&lt;ValidateOrder&gt;().Step&lt;SendEmail&gt;()</c>.
    /// Registers each step's handler under its task name; a task name already registered with another handler class
    /// is refused here. The definition joins those of the <c>Workflows</c> section and is validated with them at start.
    /// A section of the same name can still change it: its <c>Tasks</c>, when given, replace the steps, and each retry
    /// or timeout value it sets wins.
    /// </summary>
    public static IServiceCollection AddGoFlowWorkflow(
        this IServiceCollection services, string name, Action<WorkflowDefinitionBuilder> define)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(define);
        if (services.Any(descriptor => descriptor.ImplementationInstance is CodeWorkflowName defined && defined.Name == name))
        {
            throw new InvalidOperationException($"Workflow '{name}' is defined in code twice.");
        }

        var builder = new WorkflowDefinitionBuilder();
        define(builder);
        foreach (var step in builder.Steps)
        {
            if (step.HandlerType is { } handlerType)
            {
                AddHandler(services, step.TaskName, handlerType);
            }
        }

        var workflow = builder.ToOptions();
        services.AddSingleton(new CodeWorkflowName(name));

        // After the section is bound, so that what the section says wins.
        services.PostConfigure<WorkflowsOptions>(options => options[name] = Merge(workflow, options.GetValueOrDefault(name)));
        return services;
    }

    /// <summary>
    /// Defines the schedule <paramref name="name"/> in code: each time <paramref name="cron"/> fires (five fields, or six
    /// with seconds; in UTC unless <paramref name="configure"/> sets <see cref="ScheduleOptions.TimeZone"/>), a worker
    /// starts <paramref name="workflow"/>. <paramref name="configure"/> sets its input, time zone, overlap and catch-up
    /// policies. A <c>Schedules:&lt;Name&gt;</c> section of the same name replaces it whole. Validated at start with the
    /// section's schedules.
    /// </summary>
    public static IServiceCollection AddGoFlowSchedule(
        this IServiceCollection services, string name, string workflow, string cron, Action<ScheduleOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var schedule = new ScheduleOptions { Workflow = workflow, Cron = cron };
        configure?.Invoke(schedule);

        // After the section is bound, so that a section of the same name wins.
        services.PostConfigure<SchedulesOptions>(options => options.TryAdd(name, schedule));
        return services;
    }

    /// <summary>
    /// For the sections bound as dictionaries: the binder drops an entry whose value does not convert ("three"
    /// attempts) unless told to fail, and the workflow or schedule would then run on other values without a word.
    /// Failing also catches a misspelt setting name.
    /// </summary>
    private static void StrictDictionaryBinding(BinderOptions options) => options.ErrorOnUnknownConfiguration = true;

    /// <summary>
    /// The code's definition under what a <c>Workflows:&lt;Name&gt;</c> section of the same name sets: its tasks, when
    /// it lists any, replace the code's steps; each retry or timeout value it sets replaces the code's, and each wait it
    /// sets the code's wait of that name.
    /// </summary>
    private static WorkflowOptions Merge(WorkflowOptions code, WorkflowOptions? configured)
    {
        if (configured is null)
        {
            return code;
        }

        var merged = new WorkflowOptions
        {
            Tasks = configured.Tasks.Count > 0 ? configured.Tasks : code.Tasks,
            MaxAttempts = configured.MaxAttempts ?? code.MaxAttempts,
            TaskTimeout = configured.TaskTimeout ?? code.TaskTimeout,
            RetryBaseDelay = configured.RetryBaseDelay ?? code.RetryBaseDelay,
            RetryBackoffFactor = configured.RetryBackoffFactor ?? code.RetryBackoffFactor,
            RetryMaxDelay = configured.RetryMaxDelay ?? code.RetryMaxDelay,
        };
        foreach (var (task, policy) in code.TaskSettings.Where(setting => merged.Tasks.Contains(setting.Key)))
        {
            merged.TaskSettings[task] = policy;
        }

        foreach (var (task, policy) in configured.TaskSettings)
        {
            merged.TaskSettings[task] = policy;
        }

        foreach (var (step, wait) in code.Waits.Where(wait => merged.Tasks.Contains(wait.Key)).Concat(configured.Waits))
        {
            merged.Waits[step] = wait;
        }

        foreach (var (task, signal) in code.Signals.Where(setting => merged.Tasks.Contains(setting.Key)))
        {
            merged.Signals[task] = signal;
        }

        foreach (var (task, signal) in configured.Signals)
        {
            merged.Signals[task] = signal;
        }

        return merged;
    }

    private static void AddHandler(IServiceCollection services, string taskName, Type handlerType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskName);
        var registered = services.FirstOrDefault(descriptor =>
            descriptor.ServiceType == typeof(ITaskHandler) && Equals(descriptor.ServiceKey, taskName));
        if (registered is null)
        {
            services.AddKeyedTransient(typeof(ITaskHandler), taskName, handlerType);
        }
        else if (registered.KeyedImplementationType != handlerType)
        {
            throw new InvalidOperationException(
                $"Task '{taskName}' is handled by {registered.KeyedImplementationType?.Name ?? "another handler"} " +
                $"already; {handlerType.Name} needs a task name of its own: Step<{handlerType.Name}>(\"...\").");
        }
    }

    /// <summary>Marks a workflow name as defined in code, so that a second definition of it is refused.</summary>
    private sealed record CodeWorkflowName(string Name);
}
