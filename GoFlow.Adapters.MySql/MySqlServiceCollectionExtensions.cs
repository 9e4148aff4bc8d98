using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace GoFlow.Adapters.MySql;

public static class MySqlServiceCollectionExtensions
{
    /// <summary>The tag of the checks a readiness probe runs (the HTTP adapter's <c>/health/ready</c>).</summary>
    private const string ReadyTag = "ready";

    /// <summary>A probe wants an answer quickly; a database that takes longer than this is not ready.</summary>
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Stores GoFlow's workflows in MySQL: binds and validates <see cref="MySqlOptions"/> from the <c>MySql</c>
    /// configuration section (a bad value stops the host at start), and registers the connection pool
    /// (<see cref="MySqlDataSource"/>) with the few connections the hot transactions hold open between uses (closed when
    /// the container is disposed), <see cref="IWorkflowRepository"/>, <see cref="ITaskQueue"/>, the store's
    /// <see cref="StoreLimits"/> and the start-up step
    /// that applies schema.sql. Register it before the worker, so the schema is in place before the worker starts.
    /// Adds the health check <c>mysql</c>, tagged <c>ready</c>: the database answers and its tables are there.
    /// </summary>
    public static IServiceCollection AddGoFlowMySql(this IServiceCollection services)
    {
        services.AddOptions<MySqlOptions>()
            .BindConfiguration(MySqlOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MySqlOptions>, MySqlOptionsValidator>());

        services.AddSingleton(provider => MySqlConnectionSettings.CreateDataSource(
            provider.GetRequiredService<IOptions<MySqlOptions>>().Value,
            provider.GetService<ILoggerFactory>()));
        // Disposed with the container (the host's stop), before the pool it took its connections from.
        services.AddSingleton(provider => new HeldConnections(
            provider.GetRequiredService<MySqlDataSource>(), provider.GetRequiredService<IOptions<MySqlOptions>>().Value));
        services.AddSingleton<MySqlWorkflowRepository>();
        services.AddSingleton<IWorkflowRepository>(provider => provider.GetRequiredService<MySqlWorkflowRepository>());
        services.AddSingleton<IWorkflowRetention>(provider => provider.GetRequiredService<MySqlWorkflowRepository>());
        services.AddSingleton<ITaskQueue, MySqlTaskQueue>();
        services.AddSingleton<ISignalInbox, MySqlSignalInbox>();
        services.AddSingleton(MySqlTime.Limits);
        services.AddSingleton<ITaskStatistics, MySqlTaskStatistics>();
        services.AddSingleton<IWorkflowStatistics, MySqlWorkflowStatistics>();
        services.AddSingleton<IWorkflowSummaries, MySqlWorkflowSummaries>();
        services.AddSingleton<IScheduleStore, MySqlScheduleStore>();
        services.AddHostedService<MySqlSchemaInitializer>();
        services.AddHealthChecks().AddCheck<MySqlHealthCheck>(MySqlHealthCheck.Name, tags: [ReadyTag], timeout: HealthCheckTimeout);
        return services;
    }
}
