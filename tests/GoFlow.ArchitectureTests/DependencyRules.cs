using GoFlow.Adapters.Dashboard;
using GoFlow.Adapters.Http;
using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using GoFlow.Application;
using GoFlow.ArchitectureTests.Support;
using GoFlow.Client;
using GoFlow.Benchmarks;
using GoFlow.Domain;
using GoFlow.Hosting;
using GoFlow.Ports.Driven;
using GoFlow.Testing;
using GoFlow.Worker;

namespace GoFlow.ArchitectureTests;

/// <summary>
/// The dependency rule of the hexagon, written once (README and docs/decisions/0001 describe it).
/// Every architecture test reads this table; a new production project must be added here before its tests pass.
/// </summary>
public static class DependencyRules
{
    public const string Domain = "GoFlow.Domain";
    public const string Ports = "GoFlow.Ports";
    public const string Application = "GoFlow.Application";
    public const string Worker = "GoFlow.Worker";
    public const string Http = "GoFlow.Adapters.Http";
    public const string Dashboard = "GoFlow.Adapters.Dashboard";
    public const string MySql = "GoFlow.Adapters.MySql";
    public const string Sqlite = "GoFlow.Adapters.Sqlite";
    public const string Hosting = "GoFlow.Hosting";
    public const string Client = "GoFlow.Client";
    public const string Host = "GoFlow.Host";
    public const string Benchmarks = "GoFlow.Benchmarks";
    public const string Testing = "GoFlow.Testing";

    public static IReadOnlyList<DependencyRule> All { get; } =
    [
        new(Domain, ProjectRole.Core, typeof(WorkflowInstance).Assembly,
            AllowedProjects: Set(), PackagePolicy.None),
        new(Ports, ProjectRole.Core, typeof(ITaskQueue).Assembly,
            AllowedProjects: Set(Domain), PackagePolicy.None),
        new(Application, ProjectRole.Core, typeof(ApplicationServiceCollectionExtensions).Assembly,
            AllowedProjects: Set(Domain, Ports),
            // Cron expressions (Cronos), validation, the Microsoft.Extensions abstractions (DI, logging, hosting, configuration) and options
            // with their binding; never a host, a web framework or a database driver.
            PackagePolicy.Only(
                "Cronos",
                "FluentValidation",
                "FluentValidation.*",
                "Microsoft.Extensions.*Abstractions",
                "Microsoft.Extensions.Options",
                "Microsoft.Extensions.Options.*",
                "Microsoft.Extensions.Configuration.Binder",
                "Microsoft.Extensions.Primitives")),
        new(Worker, ProjectRole.Adapter, typeof(WorkerServiceCollectionExtensions).Assembly,
            AllowedProjects: Set(Domain, Ports), PackagePolicy.Any),
        new(Http, ProjectRole.Adapter, typeof(HttpServiceCollectionExtensions).Assembly,
            AllowedProjects: Set(Domain, Ports), PackagePolicy.Any),
        new(Dashboard, ProjectRole.Adapter, typeof(DashboardServiceCollectionExtensions).Assembly,
            AllowedProjects: Set(Domain, Ports), PackagePolicy.Any),
        new(MySql, ProjectRole.Adapter, typeof(MySqlOptions).Assembly,
            AllowedProjects: Set(Domain, Ports), PackagePolicy.Any),
        new(Sqlite, ProjectRole.Adapter, typeof(SqliteOptions).Assembly,
            AllowedProjects: Set(Domain, Ports), PackagePolicy.Any),
        // The composition root as a library, for any ASP.NET Core application (AddGoFlow, MapGoFlow).
        new(Hosting, ProjectRole.CompositionRoot, typeof(GoFlowServiceCollectionExtensions).Assembly,
            AllowedProjects: Set(Domain, Ports, Application, Worker, Http, Dashboard, MySql, Sqlite), PackagePolicy.Any),
        new(Host, ProjectRole.CompositionRoot, typeof(Program).Assembly,
            AllowedProjects: Set(Domain, Ports, Application, Worker, Http, Dashboard, MySql, Sqlite, Hosting), PackagePolicy.Any),
        new(Client, ProjectRole.Client, typeof(IGoFlowClient).Assembly,
            AllowedProjects: Set(), PackagePolicy.Any),
        new(Benchmarks, ProjectRole.CompositionRoot, typeof(BenchmarkOptions).Assembly,
            AllowedProjects: Set(Domain, Ports, Application, Worker, MySql, Sqlite), PackagePolicy.Any),
        // The users' test kit composes the application and the embedded store; no HTTP, no MySQL, no polling worker.
        new(Testing, ProjectRole.CompositionRoot, typeof(GoFlowTestHost).Assembly,
            AllowedProjects: Set(Domain, Ports, Application, Sqlite), PackagePolicy.Any),
    ];

    public static DependencyRule For(string project) =>
        All.SingleOrDefault(rule => rule.Project == project)
        ?? throw new ArgumentException($"No dependency rule for {project}.", nameof(project));

    /// <summary>One test case per project of the table, named after it.</summary>
    public static IEnumerable<TestCaseData> Projects() =>
        All.Select(rule => new TestCaseData(rule.Project).SetArgDisplayNames(rule.Project));

    public static IEnumerable<TestCaseData> Adapters() =>
        All.Where(rule => rule.Role == ProjectRole.Adapter)
            .Select(rule => new TestCaseData(rule.Project).SetArgDisplayNames(rule.Project));

    private static HashSet<string> Set(params string[] projects) => new(projects, StringComparer.Ordinal);
}
