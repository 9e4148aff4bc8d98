using Microsoft.Extensions.Options;

namespace GoFlow.Hosting.Configuration;

/// <summary>
/// Builds and runs a GoFlow web host the way GoFlow.Host runs: appsettings.json from the application's own folder
/// (whatever the working directory), the original engine's variables, the <c>Server</c> address, and a bad setting
/// reported as one line with exit code 1.
/// </summary>
internal static class HostRunner
{
    /// <summary>Runs until the host stops; returns the process exit code: 0, or 1 for a setting it cannot start with.</summary>
    public static int Run(
        string[] args, TextWriter errors, Action<WebApplicationBuilder> configureServices, Action<WebApplication> configureApp)
    {
        IConfiguration? configuration = null;
        try
        {
            // The application's folder, not the working directory: a host started from anywhere knows its
            // appsettings.json. An explicit --contentRoot still wins. .env and the SQLite file stay relative to the
            // working directory, where an operator puts them.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = args,
                ContentRootPath = AppContext.BaseDirectory,
            });
            configuration = builder.Configuration;
            builder.Configuration.AddLegacyEnvironmentVariables();
            builder.WebHost.UseGoFlowServerAddress(builder.Configuration);

            // How long running tasks get to finish on SIGTERM before they are released (HostOptions:ShutdownTimeout, default 30 s).
            builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("HostOptions"));
            configureServices(builder);

            var app = builder.Build();
            configureApp(app);

            // The host validates again as it starts; validating first means a bad setting is reported once, by the
            // line below, and not also logged by the host as a failed start with its stack trace.
            app.Services.GetService<IStartupValidator>()?.Validate();
            app.Run();
            return 0;
        }
        catch (Exception exception) when (ConfigurationErrors.Describe(exception, configuration) is { } line)
        {
            errors.WriteLine(line);
            return 1;
        }
    }
}
