using GoFlow.Adapters.Dashboard;
using GoFlow.Adapters.Http;
using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using GoFlow.Application;
using GoFlow.Hosting.Configuration;
using GoFlow.Worker;

namespace GoFlow.Hosting;

public static class GoFlowServiceCollectionExtensions
{
    /// <summary>
    /// Adds GoFlow to an ASP.NET Core application: the use cases, the store, telemetry and, unless
    /// <c>GoFlow:Roles</c> says <c>Worker</c> alone, the REST API that <see cref="GoFlowEndpointExtensions.MapGoFlow"/>
    /// maps. <paramref name="configure"/> picks the store, defines workflows in code and adds the worker:
    /// <code>
    /// builder.Services.AddGoFlow(builder.Configuration, goflow =&gt; goflow
    ///     .UseSqlite()
    ///     .AddWorkflow("OrderProcess", w =&gt; w.Step&lt;ValidateOrder&gt;().Step&lt;SendEmail&gt;())
    ///     .AddWorker());
    /// </code>
    /// Every setting is read from <paramref name="configuration"/> and validated at start, as GoFlow.Host does.
    /// </summary>
    public static IServiceCollection AddGoFlow(
        this IServiceCollection services, IConfiguration configuration, Action<GoFlowBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var roles = HostRoles.From(configuration);
        var goflow = new GoFlowBuilder(services, configuration);
        configure?.Invoke(goflow);

        // The store before the worker: its start-up step applies the schema before the worker claims anything.
        services
            .AddGoFlowApplication()
            .AddGoFlowStore(goflow)
            .AddGoFlowObservability(configuration);
        if (roles.Api)
        {
            services.AddGoFlowHttp();
            services.AddGoFlowDashboard();
        }

        if (goflow.Worker && roles.Worker)
        {
            services.AddGoFlowWorker();
        }

        return services;
    }

    private static IServiceCollection AddGoFlowStore(this IServiceCollection services, GoFlowBuilder goflow)
    {
        var store = goflow.Store ?? StorageSelection.From(goflow.Configuration).Store;
        services.AddGoFlowStorage(store);
        if (goflow.ConfigureMySql is { } configureMySql)
        {
            services.Configure(configureMySql);
        }

        if (goflow.ConfigureSqlite is { } configureSqlite)
        {
            services.Configure(configureSqlite);
        }

        return services;
    }
}
