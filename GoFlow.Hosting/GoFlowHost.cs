using GoFlow.Hosting.Configuration;

namespace GoFlow.Hosting;

/// <summary>The way GoFlow.Host runs, for an application that wants to run the same way.</summary>
public static class GoFlowHost
{
    /// <summary>
    /// Reads <c>.env</c> from the working directory, builds a web application whose appsettings.json is read from
    /// the application's own folder, with the original engine's variables (DB_HOST, SERVER_PORT, ...) and the
    /// <c>Server</c> address; lets <paramref name="configureServices"/> register GoFlow
    /// (<see cref="GoFlowServiceCollectionExtensions.AddGoFlow"/>), maps it (<see cref="GoFlowEndpointExtensions.MapGoFlow"/>)
    /// and runs it until it is stopped. Returns the exit code: 0, or 1 after one line on standard error that names a
    /// setting the application cannot start with.
    /// </summary>
    public static int Run(string[] args, Action<WebApplicationBuilder> configureServices)
    {
        DotEnvFile.LoadFromWorkingDirectory();
        return HostRunner.Run(args, Console.Error, configureServices, app => app.MapGoFlow());
    }
}
