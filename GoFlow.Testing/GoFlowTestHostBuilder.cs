using GoFlow.Application;
using GoFlow.Application.Definitions;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Testing;

/// <summary>
/// What a <see cref="GoFlowTestHost"/> runs: workflow definitions, task handlers and the services they need. Use
/// <see cref="Services"/> as in your own host (your registration methods, <c>AddGoFlowTaskHandler</c>, fakes of what
/// your handlers call) and <see cref="Configuration"/> to read your own <c>Workflows</c> section.
/// </summary>
public sealed class GoFlowTestHostBuilder
{
    internal GoFlowTestHostBuilder(IServiceCollection services, IConfigurationManager configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The services of the test host; GoFlow's application and SQLite store are registered already.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The test host's configuration, empty at first: the environment and appsettings.json are not read, so that a
    /// test runs the same everywhere. Add your appsettings.json to run the <c>Workflows</c> defined there.
    /// </summary>
    public IConfigurationManager Configuration { get; }

    /// <summary>Where the fake clock starts. Default: 2025-01-01 00:00 UTC.</summary>
    public DateTimeOffset StartTime { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// How long, in real time, <see cref="GoFlowTestHost.RunUntilFinishedAsync"/> lets a workflow run before it gives
    /// up with a <see cref="TimeoutException"/>: the guard against a handler that never returns and waits on nothing
    /// the fake clock controls. Default: 60 seconds.
    /// </summary>
    public TimeSpan RealTimeLimit { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Defines the workflow <paramref name="name"/> with its tasks in order and the default task policy.</summary>
    public GoFlowTestHostBuilder AddWorkflow(string name, params string[] tasks) =>
        AddWorkflow(name, new WorkflowOptions { Tasks = [.. tasks] });

    /// <summary>
    /// Defines the workflow <paramref name="name"/> as the <c>Workflows:&lt;name&gt;</c> configuration section would:
    /// its tasks, and its own attempts, timeout and backoff where set.
    /// </summary>
    public GoFlowTestHostBuilder AddWorkflow(string name, WorkflowOptions workflow)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(workflow);
        Services.Configure<WorkflowsOptions>(workflows => workflows[name] = workflow);
        return this;
    }

    /// <summary>Registers <typeparamref name="THandler"/> for the task <paramref name="taskName"/>, as a host does.</summary>
    public GoFlowTestHostBuilder AddTaskHandler<THandler>(string taskName)
        where THandler : class, ITaskHandler
    {
        Services.AddGoFlowTaskHandler<THandler>(taskName);
        return this;
    }

    /// <summary>Sets the task policy every workflow starts from (the <c>Worker</c> section's attempts, timeout, backoff).</summary>
    public GoFlowTestHostBuilder ConfigureTaskDefaults(Action<TaskPolicyOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
