using GoFlow.Ports.Driven;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// The real GoFlow host (GoFlow.Host's Program) in memory on a <see cref="TestStore"/> it does not own, in the roles
/// the test asks for: an API without a worker keeps every workflow where the test put it.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string ApiOnly = "Api";
    public const string WorkerOnly = "Worker";
    public const string ApiAndWorker = "Api,Worker";

    private readonly WebApplicationFactory<Program> _factory;

    private TestHost(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
        Client = factory.CreateClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts a host on <paramref name="store"/> with <paramref name="settings"/> added to its configuration and
    /// <paramref name="services"/> applied after the host's own registrations (a scripted task handler, say).
    /// </summary>
    public static async Task<TestHost> StartAsync(
        TestStore store,
        string roles,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            // No fixed port (the host's default is 8080), so parallel test runs never meet on one; settings may override.
            builder.UseSetting("urls", "http://127.0.0.1:0");
            store.Configure(builder);
            builder.UseSetting("GoFlow:Roles", roles);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        });
        var host = new TestHost(factory);
        try
        {
            var queue = factory.Services.GetRequiredService<ITaskQueue>();
            Assert.That((queue is FaultyTaskQueue faulty ? faulty.Inner : queue).GetType().Name, Is.EqualTo(store.ExpectedQueueType),
                "the host must run on the test's store");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
