using System.Net;
using System.Net.Sockets;
using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>
/// The real GoFlow host (GoFlow.Host's Program) serving the API and the dashboard on a real loopback port, so a browser
/// can reach it, on a SQLite file of its own. Its worker runs in a second host on the same file, started and stopped by
/// the test: without it, a workflow stays PENDING for as long as the test needs.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    private readonly string _folder;
    private readonly WebApplicationFactory<Program> _api;

    private DashboardHost(string folder, WebApplicationFactory<Program> api, Uri address)
    {
        _folder = folder;
        _api = api;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>A plain HTTP client of the same API, to set up workflows and read them back.</summary>
    public HttpClient Client { get; }

    private string DatabasePath => Path.Combine(_folder, "goflow.db");

    public static DashboardHost Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("goflow-dashboard-").FullName;
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var api = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Sqlite:Path", Path.Combine(folder, "goflow.db"));
            builder.UseSetting("GoFlow:Roles", "Api");
            builder.UseSetting("urls", address.ToString());
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
        api.UseKestrel();
        api.StartServer();
        var host = new DashboardHost(folder, api, address);
        Assert.That(api.Services.GetRequiredService<ITaskQueue>().GetType().Name, Is.EqualTo("SqliteTaskQueue"));
        return host;
    }

    /// <summary>A worker on the same store, with <paramref name="services"/> applied after the host's own registrations.</summary>
    public IAsyncDisposable StartWorker(Action<IServiceCollection>? services = null)
    {
        var worker = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Sqlite:Path", DatabasePath);
            builder.UseSetting("GoFlow:Roles", "Worker");
            // Whatever server the factory picks, it never takes a fixed port another process may hold.
            builder.UseSetting("urls", "http://127.0.0.1:0");
            // Polls often: the worker is another process than the API, so no in-process signal wakes it.
            builder.UseSetting("Worker:PollInterval", "00:00:00.100");
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        });
        // Resolving a service builds and starts the host with its hosted services (the worker's loop).
        _ = worker.Services.GetRequiredService<ITaskQueue>();
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _api.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
