using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using GoFlow.Application;
using GoFlow.Application.Definitions;
using GoFlow.Application.Schedules;
using GoFlow.Hosting.Configuration;

namespace GoFlow.Hosting;

/// <summary>
/// What <see cref="GoFlowServiceCollectionExtensions.AddGoFlow"/> sets up beyond its defaults: the store, the
/// workflows defined in code, and whether this process runs the worker.
/// </summary>
public sealed class GoFlowBuilder
{
    internal GoFlowBuilder(IServiceCollection services, IConfiguration configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The application's services, for handlers' own dependencies.</summary>
    public IServiceCollection Services { get; }

    public IConfiguration Configuration { get; }

    /// <summary>The store chosen in code, or null to choose from configuration (MySQL when <c>MySql:Host</c> or
    /// <c>MySql:ConnectionString</c> is set, SQLite otherwise).</summary>
    internal StoreKind? Store { get; private set; }

    internal Action<MySqlOptions>? ConfigureMySql { get; private set; }

    internal Action<SqliteOptions>? ConfigureSqlite { get; private set; }

    internal bool Worker { get; private set; }

    /// <summary>
    /// Keeps the workflows in MySQL or MariaDB: the <c>MySql</c> section, then <paramref name="configure"/>, whose
    /// values win.
    /// </summary>
    public GoFlowBuilder UseMySql(Action<MySqlOptions>? configure = null)
    {
        Store = StoreKind.MySql;
        ConfigureMySql = configure;
        return this;
    }

    /// <summary>
    /// Keeps the workflows in an SQLite file: the <c>Sqlite</c> section (by default goflow.db in the working
    /// directory), then <paramref name="configure"/>, whose values win.
    /// </summary>
    public GoFlowBuilder UseSqlite(Action<SqliteOptions>? configure = null)
    {
        Store = StoreKind.Sqlite;
        ConfigureSqlite = configure;
        return this;
    }

    /// <summary>
    /// Defines the workflow <paramref name="name"/> in code, its handlers resolved from DI:
    /// <c>w =&gt; w.Step&lt;ValidateOrder&gt;().Step&lt;DeductMoney&gt;()</c>. A <c>Workflows:&lt;Name&gt;</c> section of
    /// the same name can change it; every task name is checked against its handler at start.
    /// </summary>
    public GoFlowBuilder AddWorkflow(string name, Action<WorkflowDefinitionBuilder> define)
    {
        Services.AddGoFlowWorkflow(name, define);
        return this;
    }

    /// <summary>
    /// Starts <paramref name="workflow"/> each time <paramref name="cron"/> fires (five fields, or six with seconds),
    /// in UTC unless <paramref name="configure"/> sets a time zone; it also sets the input and the overlap and catch-up
    /// policies: <c>.AddSchedule("NightlyReport", "Report", "0 2 * * *", s =&gt; s.TimeZone = "Europe/Berlin")</c>.
    /// The hosts that run the worker fire it, one workflow per fire however many they are. A <c>Schedules:&lt;Name&gt;</c>
    /// section of the same name replaces it.
    /// </summary>
    public GoFlowBuilder AddSchedule(string name, string workflow, string cron, Action<ScheduleOptions>? configure = null)
    {
        Services.AddGoFlowSchedule(name, workflow, cron, configure);
        return this;
    }

    /// <summary>Runs the worker in this process, unless <c>GoFlow:Roles</c> leaves it out (<c>Api</c> alone).</summary>
    public GoFlowBuilder AddWorker()
    {
        Worker = true;
        return this;
    }
}
