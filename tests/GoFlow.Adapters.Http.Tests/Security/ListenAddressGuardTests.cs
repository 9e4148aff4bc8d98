using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoFlow.Adapters.Http.Tests.Security;

/// <summary>
/// The start-up check in a host, on a server that records whether it was started and never listens: the check must
/// decide on the addresses the host hands the server, before the server starts.
/// </summary>
public sealed class ListenAddressGuardTests
{
    [TestCase("http://0.0.0.0:8080")]
    [TestCase("http://+:8080")]
    [TestCase("http://127.0.0.1:8080;http://192.168.1.20:8080")]
    public async Task Start_NoKeysAndANetworkAddress_FailsBeforeTheServerStarts(string urls)
    {
        var server = new RecordingServer();
        await using var app = Build(server, new() { ["urls"] = urls });

        var failure = Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.That(failure!.Message, Does.StartWith("GoFlow will not listen on ").And.Contain(urls.Split(';')[^1]));
        Assert.That(server.Started, Is.False, "the server was started before the check refused");
    }

    [Test]
    public async Task Start_NoKeysAndAKestrelEndpointOnTheNetwork_FailsBeforeTheServerStarts()
    {
        var server = new RecordingServer();
        await using var app = Build(server, new()
        {
            ["urls"] = "http://127.0.0.1:8080",
            ["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:9000",
        });

        var failure = Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.That(failure!.Message, Does.Contain("http://0.0.0.0:9000"));
        Assert.That(server.Started, Is.False);
    }

    [Test]
    public async Task Start_NoKeysOnLoopback_StartsWithoutWarning()
    {
        var server = new RecordingServer();
        var logs = new RecordingLoggerProvider();
        await using var app = Build(server, new() { ["urls"] = "http://127.0.0.1:8080;http://[::1]:8080" }, logs);

        await app.StartAsync();

        Assert.That(server.Started, Is.True);
        Assert.That(logs.Entries.Where(entry => entry.Level >= LogLevel.Warning), Is.Empty);
        await app.StopAsync();
    }

    [Test]
    public async Task Start_KeyConfiguredAndANetworkAddress_Starts()
    {
        var server = new RecordingServer();
        await using var app = Build(server, new() { ["urls"] = "http://0.0.0.0:8080", ["Api:Keys:0"] = "a-key" });

        await app.StartAsync();

        Assert.That(server.Started, Is.True);
        await app.StopAsync();
    }

    [Test]
    public async Task Start_AnonymousAllowedOnANetworkAddress_StartsAndWarnsEveryTime()
    {
        var settings = new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:8080", ["Api:AllowAnonymous"] = "true" };

        for (var start = 1; start <= 2; start++)
        {
            var server = new RecordingServer();
            var logs = new RecordingLoggerProvider();
            await using var app = Build(server, settings, logs);

            await app.StartAsync();

            Assert.That(server.Started, Is.True);
            Assert.That(
                logs.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message),
                Has.One.Contains("WITHOUT authentication on http://0.0.0.0:8080"),
                $"start {start}");
            await app.StopAsync();
        }
    }

    private static WebApplication Build(
        RecordingServer server, Dictionary<string, string?> settings, RecordingLoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddProvider(logs ?? new RecordingLoggerProvider());
        builder.Services.AddSingleton<IServer>(server).AddGoFlowHttp();
        var app = builder.Build();
        app.UseGoFlowHttp();
        return app;
    }

    /// <summary>A server that takes addresses like Kestrel does, but only records that it was started.</summary>
    private sealed class RecordingServer : IServer
    {
        public RecordingServer() => Features.Set<IServerAddressesFeature>(new ServerAddressesFeature());

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public bool Started { get; private set; }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
