using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace GoFlow.Client.Tests;

/// <summary>
/// The real GoFlow.Host in memory, on an SQLite file of its own, and a <see cref="IGoFlowClient"/> registered with
/// AddGoFlowClient whose requests reach it through the test server.
/// </summary>
internal sealed class ClientHost : IDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly ServiceProvider _services;
    private readonly string _folder;

    /// <param name="between">A handler between the client's resilience handler and the server, which sees every attempt.</param>
    public ClientHost(Dictionary<string, string?>? settings = null, string? clientKey = null, Func<DelegatingHandler>? between = null)
    {
        _folder = Directory.CreateTempSubdirectory("goflow-client-").FullName;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            // The in-memory server binds nothing, and no address of the host's defaults (127.0.0.1:8080) is even
            // named: parallel test runs share no fixed port.
            host.UseSetting("urls", "http://127.0.0.1:0");
            host.UseSetting("Sqlite:Path", Path.Combine(_folder, "goflow.db"));
            host.UseSetting("Worker:PollInterval", "00:00:00.050");
            foreach (var (key, value) in settings ?? [])
            {
                host.UseSetting(key, value);
            }
        });
        _factory.StartServer();
        var client = new ServiceCollection()
            .AddGoFlowClient(_factory.Server.BaseAddress, clientKey, FastRetries)
            .ConfigurePrimaryHttpMessageHandler(() => _factory.Server.CreateHandler());
        if (between is not null)
        {
            client.AddHttpMessageHandler(between);
        }

        _services = client.Services.BuildServiceProvider();
        Client = _services.GetRequiredService<IGoFlowClient>();
    }

    public IGoFlowClient Client { get; }

    /// <summary>A raw client of the host, for what the typed client does not read (the OpenAPI document).</summary>
    public HttpClient CreateRawClient() => _factory.CreateClient();

    /// <summary>Retries without waiting, so that tests of transient failures stay quick.</summary>
    public static void FastRetries(HttpStandardResilienceOptions options)
    {
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.UseJitter = false;
        options.Retry.BackoffType = Polly.DelayBackoffType.Constant;
    }

    public void Dispose()
    {
        _services.Dispose();
        _factory.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
