using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>The tag of the checks a readiness probe runs (the HTTP adapter's <c>/health/ready</c>).</summary>
    private const string ReadyTag = "ready";

    /// <summary>A probe wants an answer quickly; a database that takes longer than this is not ready.</summary>
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Stores GoFlow's workflows in an embedded SQLite database file: binds and validates <see cref="SqliteOptions"/>
    /// from the <c>Sqlite</c> configuration section (a bad value stops the host at start), and registers
    /// <see cref="IWorkflowRepository"/>, <see cref="ITaskQueue"/> and the start-up step that prepares the file and
    /// applies schema.sqlite.sql. Register it before the worker, so the schema is in place before the worker starts.
    /// Adds the health check <c>sqlite</c>, tagged <c>ready</c>: the file opens and its tables are there.
    /// One file serves one host; several hosts on one database need MySQL.
    /// </summary>
    public static IServiceCollection AddGoFlowSqlite(this IServiceCollection services)
    {
        services.AddOptions<SqliteOptions>()
            .BindConfiguration(SqliteOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteOptions>, SqliteOptionsValidator>());

        services.AddSingleton(provider => new SqliteDatabase(provider.GetRequiredService<IOptions<SqliteOptions>>().Value));
        services.AddSingleton<SqliteWorkflowRepository>();
        services.AddSingleton<IWorkflowRepository>(provider => provider.GetRequiredService<SqliteWorkflowRepository>());
        services.AddSingleton<IWorkflowRetention>(provider => provider.GetRequiredService<SqliteWorkflowRepository>());
        services.AddSingleton<ITaskQueue, SqliteTaskQueue>();
        services.AddSingleton<ISignalInbox, SqliteSignalInbox>();
        services.AddSingleton(SqliteTime.Limits);
        services.AddSingleton<ITaskStatistics, SqliteTaskStatistics>();
        services.AddSingleton<IWorkflowStatistics, SqliteWorkflowStatistics>();
        services.AddSingleton<IWorkflowSummaries, SqliteWorkflowSummaries>();
        services.AddSingleton<IScheduleStore, SqliteScheduleStore>();
        services.AddHostedService<SqliteSchemaInitializer>();
        services.AddHealthChecks().AddCheck<SqliteHealthCheck>(SqliteHealthCheck.Name, tags: [ReadyTag], timeout: HealthCheckTimeout);
        return services;
    }
}
