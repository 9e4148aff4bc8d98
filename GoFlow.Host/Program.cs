using GoFlow.Adapters.Dashboard;
using GoFlow.Adapters.Http;
using GoFlow.Application;
using GoFlow.Host.Configuration;
using GoFlow.Host.SampleTasks;
using GoFlow.Worker;

DotEnvFile.LoadFromWorkingDirectory();

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLegacyEnvironmentVariables();
builder.WebHost.UseGoFlowServerAddress(builder.Configuration);
var roles = HostRoles.From(builder.Configuration);

// How long running tasks get to finish on SIGTERM before they are released (HostOptions:ShutdownTimeout, default 30 s).
builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("HostOptions"));

builder.Services
    .AddGoFlowApplication()
    .AddGoFlowStorage(builder.Configuration)
    .AddSampleTaskHandlers()
    .AddTestOnlyTaskHandlers(builder.Configuration)
    .AddGoFlowObservability(builder.Configuration);
if (roles.Api)
{
    builder.Services.AddGoFlowHttp();
    builder.Services.AddGoFlowDashboard();
}

if (roles.Worker)
{
    builder.Services.AddGoFlowWorker();
}

var app = builder.Build();
if (roles.Api)
{
    app.UseGoFlowHttp();
    app.MapHealthEndpoints();
    app.MapGoFlowMetrics();
    app.MapWorkflowEndpoints();
    app.MapGoFlowDashboard();
}

app.Run();

/// <summary>The entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
