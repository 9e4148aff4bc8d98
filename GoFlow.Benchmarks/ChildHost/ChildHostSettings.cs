using System.Globalization;
using GoFlow.Benchmarks.Measurements;

namespace GoFlow.Benchmarks.ChildHost;

/// <summary>The environment a GoFlow.Host child process is configured with.</summary>
internal static class ChildHostSettings
{
    /// <summary>
    /// The steps of the child host's benchmark workflows. GoFlow.Host has no no-op handler, so these are the sample
    /// handlers (GoFlow.Host/SampleTasks) that accept any input and only add a field to it: SendWelcomeEmail sets
    /// welcome_email_sent, AssignRole sets role, SendEmail sets email_sent. Step i runs the (i mod 3)-th.
    /// </summary>
    public static IReadOnlyList<string> StepHandlers { get; } = ["SendWelcomeEmail", "AssignRole", "SendEmail"];

    /// <summary>
    /// The store, the roles, workflow <paramref name="workflowName"/> of M steps, the worker options the in-process
    /// engine runs with (batch and concurrency included, which the host's appsettings.json would otherwise set), retention off, a 10 s shutdown timeout, then the options' extra host variables. No API key: the
    /// host serves loopback only.
    /// </summary>
    public static Dictionary<string, string> For(BenchmarkContext context, string roles, string workflowName)
    {
        var options = context.Options;
        var environment = new Dictionary<string, string>(context.Store.HostEnvironment, StringComparer.Ordinal)
        {
            ["GoFlow__Roles"] = roles,
            ["Retention__Enabled"] = "false",
            ["Worker__PollInterval"] = options.PollInterval.ToString("c", CultureInfo.InvariantCulture),
            ["HostOptions__ShutdownTimeout"] = "00:00:10",
        };
        // Always set, even when they are the engine's defaults: GoFlow.Host/appsettings.json has values of its own,
        // and the host must run as the in-process engine does for the figures to be comparable.
        environment["Worker__BatchSize"] = options.EngineBatch.ToString(CultureInfo.InvariantCulture);
        environment["Worker__MaxConcurrency"] = options.EngineConcurrency.ToString(CultureInfo.InvariantCulture);

        for (var step = 0; step < options.Steps; step++)
        {
            environment[$"Workflows__{workflowName}__Tasks__{step}"] = StepHandlers[step % StepHandlers.Count];
        }

        foreach (var (name, value) in options.HostEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    public static bool HasWorker(string roles) => roles.Contains("Worker", StringComparison.OrdinalIgnoreCase);
}
