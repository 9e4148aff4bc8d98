using GoFlow.Ports.Driven;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The real GoFlow host (GoFlow.Host's Program: application, MySQL adapter, worker, this adapter) in memory,
/// on a fresh database of its own.
/// </summary>
internal sealed class HostedApi : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private HostedApi(TestDatabase database, WebApplicationFactory<Program> factory)
    {
        Database = database;
        _factory = factory;
        Client = factory.CreateClient();
    }

    public TestDatabase Database { get; }

    public HttpClient Client { get; }

    /// <summary>The host's services, to reach into the running host (its hosted services, say).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts the host on a fresh database, with <paramref name="settings"/> added to its configuration.</summary>
    public static async Task<HostedApi> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            // No fixed port (the host's default is 8080), so parallel test runs never meet on one; settings may override.
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("MySql:ConnectionString", database.ConnectionString);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
        var api = new HostedApi(database, factory);
        try
        {
            // The host picks its store from its configuration; these tests are about the real MySQL database.
            var queue = factory.Services.GetRequiredService<ITaskQueue>();
            Assert.That(queue.GetType().Name, Is.EqualTo("MySqlTaskQueue"), "the host must run on the test's MySQL database");
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>How many rows the three tables hold: what a refused request must leave unchanged.</summary>
    public async Task<StoredRows> CountRowsAsync() => new(
        await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM workflow_instances"),
        await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tasks"),
        await Database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM activity_logs"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            // The host (and its worker) stops before its database is dropped.
            await _factory.DisposeAsync();
        }
        finally
        {
            // Dropped even when stopping the host failed, so that no test database is left behind.
            await Database.DisposeAsync();
        }
    }
}

internal sealed record StoredRows(long Workflows, long Tasks, long ActivityRows);
