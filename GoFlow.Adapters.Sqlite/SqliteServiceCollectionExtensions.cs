using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Stores GoFlow's workflows in an embedded SQLite database file: binds and validates <see cref="SqliteOptions"/>
    /// from the <c>Sqlite</c> configuration section (a bad value stops the host at start), and registers
    /// <see cref="IWorkflowRepository"/>, <see cref="ITaskQueue"/> and the start-up step that prepares the file and
    /// applies schema.sqlite.sql. Register it before the worker, so the schema is in place before the worker starts.
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
        services.AddHostedService<SqliteSchemaInitializer>();
        return services;
    }
}
