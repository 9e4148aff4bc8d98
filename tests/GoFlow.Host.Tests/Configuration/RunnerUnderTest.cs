using GoFlow.Host.SampleTasks;
using GoFlow.Hosting;
using GoFlow.Hosting.Configuration;

namespace GoFlow.Host.Tests.Configuration;

/// <summary>
/// Runs GoFlow.Host's composition (as its Program.cs) through <see cref="HostRunner"/> in process, as Program.cs does, for settings that
/// stop it at start: a WebApplicationFactory host never sees those, because the runner reports them and returns 1.
/// </summary>
internal static class RunnerUnderTest
{
    /// <summary>The exit code and what the runner wrote to the error stream, with Unix line ends.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        using var errors = new StringWriter();
        var exitCode = HostRunner.Run(
            args,
            errors,
            builder => builder.Services.AddGoFlow(builder.Configuration, goflow => goflow.AddSampleWorkflows().AddWorker()),
            app => app.MapGoFlow());
        return (exitCode, errors.ToString().Replace("\r", string.Empty, StringComparison.Ordinal));
    }
}
