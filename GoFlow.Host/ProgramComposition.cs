using GoFlow.Adapters.Http;
using GoFlow.Application;
using GoFlow.Host.Configuration;
using GoFlow.Host.SampleTasks;
using GoFlow.Worker;

namespace GoFlow.Host;

/// <summary>What Program.cs registers and maps, named so that tests can run the same host through <see cref="HostRunner"/>.</summary>
internal static class ProgramComposition
{
    public static void ConfigureServices(WebApplicationBuilder builder)
    {
        var roles = HostRoles.From(builder.Configuration);
        builder.Services
            .AddGoFlowApplication()
            .AddGoFlowStorage(builder.Configuration)
            .AddSampleTaskHandlers()
            .AddGoFlowObservability(builder.Configuration);
        if (roles.Api)
        {
            builder.Services.AddGoFlowHttp();
        }

        if (roles.Worker)
        {
            builder.Services.AddGoFlowWorker();
        }
    }

    public static void ConfigureApp(WebApplication app)
    {
        if (HostRoles.From(app.Configuration).Api)
        {
            app.UseGoFlowHttp();
            app.MapHealthEndpoints();
            app.MapGoFlowMetrics();
            app.MapWorkflowEndpoints();
        }
    }
}
