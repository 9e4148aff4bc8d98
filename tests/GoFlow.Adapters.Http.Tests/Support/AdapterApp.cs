using GoFlow.Ports.Driving;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Support;

/// <summary>
/// The HTTP adapter alone, wired exactly as the host wires it (AddGoFlowHttp, UseGoFlowHttp, MapWorkflowEndpoints),
/// with Moq'd driving ports behind it: fast tests of the mapping, no database, no application.
/// </summary>
internal sealed class AdapterApp : IAsyncDisposable
{
    /// <summary>A route the test app maps below <c>/health</c>, to prove health checks need no key.</summary>
    public const string DummyHealthPath = "/health/live";

    /// <summary>A route the test app marks <c>AllowAnonymous</c>, as the dashboard marks its static page.</summary>
    public const string AnonymousPath = "/anonymous-page";

    private readonly WebApplication _app;

    private AdapterApp(WebApplication app, HttpClient client, AdapterAppPorts ports, RecordingLoggerProvider logs)
    {
        _app = app;
        Client = client;
        Ports = ports;
        Logs = logs;
    }

    public HttpClient Client { get; }

    public AdapterAppPorts Ports { get; }

    /// <summary>The app's services, for its meters.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Everything the adapter logged, so tests can check that the full error reached the log.</summary>
    public RecordingLoggerProvider Logs { get; }

    /// <summary>
    /// Starts the adapter in memory, or on a real Kestrel bound to 127.0.0.1 (<paramref name="onKestrel"/>): the in-memory
    /// server enforces no body size limit of its own. <paramref name="settings"/> are added to its configuration
    /// (<c>Api:Keys:0</c>, ...).
    /// </summary>
    public static async Task<AdapterApp> StartAsync(bool onKestrel = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var ports = new AdapterAppPorts();
        var logs = new RecordingLoggerProvider();

        // Production, so that nothing of the development exception page can stand in for the adapter's own handling.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        if (onKestrel)
        {
            builder.WebHost.UseKestrel();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services
            .AddGoFlowHttp()
            .AddSingleton(ports.StartWorkflow.Object)
            .AddSingleton(ports.GetWorkflow.Object)
            .AddSingleton(ports.GetWorkflowActivity.Object)
            .AddSingleton(ports.ListWorkflowDefinitions.Object)
            .AddSingleton(ports.ListWorkflows.Object)
            .AddSingleton(ports.CancelWorkflow.Object)
            .AddSingleton(ports.RetryWorkflow.Object)
            .AddSingleton(ports.DeliverSignal.Object)
            .AddSingleton(ports.ListSchedules.Object)
            .AddSingleton(ports.PauseSchedule.Object)
            .AddSingleton(ports.TriggerSchedule.Object);

        var app = builder.Build();
        app.UseGoFlowHttp();
        app.MapWorkflowEndpoints();
        // Stands in for the health checks, which are mapped outside this adapter's routes.
        // In a group that takes no body, as GoFlow maps the routes they stand in for.
        var standIns = app.MapGroupTakingNoBody();
        standIns.MapGet(DummyHealthPath, () => "alive").ExcludeFromDescription();
        standIns.MapGet(AnonymousPath, () => "no data here").AllowAnonymous().ExcludeFromDescription();
        await app.StartAsync();

        HttpClient client;
        if (!onKestrel)
        {
            client = app.GetTestClient();
        }
        else
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
                .Addresses.Single();
            client = new HttpClient { BaseAddress = new Uri(address) };
        }

        return new AdapterApp(app, client, ports, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The driving ports the adapter calls, as mocks.</summary>
internal sealed class AdapterAppPorts
{
    public Mock<IStartWorkflow> StartWorkflow { get; } = new();

    public Mock<IGetWorkflow> GetWorkflow { get; } = new();

    public Mock<IGetWorkflowActivity> GetWorkflowActivity { get; } = new();

    public Mock<IListWorkflowDefinitions> ListWorkflowDefinitions { get; } = new();

    public Mock<IListWorkflows> ListWorkflows { get; } = new();

    public Mock<ICancelWorkflow> CancelWorkflow { get; } = new();

    public Mock<IRetryWorkflow> RetryWorkflow { get; } = new();

    public Mock<IDeliverSignal> DeliverSignal { get; } = new();

    public Mock<IListSchedules> ListSchedules { get; } = new();

    public Mock<IPauseSchedule> PauseSchedule { get; } = new();

    public Mock<ITriggerSchedule> TriggerSchedule { get; } = new();

    /// <summary>Fails if any port was called (beyond calls already verified).</summary>
    public void VerifyNoneCalled()
    {
        StartWorkflow.VerifyNoOtherCalls();
        GetWorkflow.VerifyNoOtherCalls();
        GetWorkflowActivity.VerifyNoOtherCalls();
        ListWorkflowDefinitions.VerifyNoOtherCalls();
        ListWorkflows.VerifyNoOtherCalls();
        CancelWorkflow.VerifyNoOtherCalls();
        RetryWorkflow.VerifyNoOtherCalls();
        DeliverSignal.VerifyNoOtherCalls();
        ListSchedules.VerifyNoOtherCalls();
        PauseSchedule.VerifyNoOtherCalls();
        TriggerSchedule.VerifyNoOtherCalls();
    }
}
