using GoFlow.Adapters.Http;
using GoFlow.Adapters.MySql;
using GoFlow.Application;
using GoFlow.Host.Configuration;
using GoFlow.Host.SampleTasks;
using GoFlow.Worker;

DotEnvFile.LoadFromWorkingDirectory();

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLegacyEnvironmentVariables();
builder.WebHost.UseGoFlowServerAddress(builder.Configuration);

builder.Services
    .AddGoFlowApplication()
    .AddGoFlowMySql()
    .AddGoFlowHttp()
    .AddGoFlowWorker()
    .AddSampleTaskHandlers();

var app = builder.Build();
app.UseGoFlowHttp();
app.MapWorkflowEndpoints();
app.Run();

/// <summary>The entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
