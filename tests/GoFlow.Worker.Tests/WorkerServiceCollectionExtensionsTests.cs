using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;

namespace GoFlow.Worker.Tests;

public sealed class WorkerServiceCollectionExtensionsTests
{
    [Test]
    public void AddGoFlowWorker_HostedServices_HeartbeatRegisteredBeforeTheWorkerSoTheHostStopsItAfter()
    {
        var hosted = new ServiceCollection().AddGoFlowWorker()
            .Where(service => service.ServiceType == typeof(IHostedService))
            .Select(service => service.ImplementationType)
            .ToList();

        Assert.That(hosted, Is.SupersetOf(new[] { typeof(LeaseHeartbeat), typeof(TaskWorker), typeof(ExpiredLeaseSweeper) }));
        Assert.That(hosted.IndexOf(typeof(LeaseHeartbeat)), Is.LessThan(hosted.IndexOf(typeof(TaskWorker))));
    }

    [Test]
    public void AddGoFlowWorker_LeasePolicy_IsTheConfiguredLeaseDurationInPlaceOfTheApplicationDefault()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Mock.Of<ILeasePolicy>(policy => policy.LeaseDuration == ILeasePolicy.DefaultLeaseDuration));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Worker:LeaseDuration"] = "00:07:00" })
            .Build());

        using var provider = services.AddGoFlowWorker().BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ILeasePolicy>().LeaseDuration, Is.EqualTo(TimeSpan.FromMinutes(7)));
    }

    [Test]
    public async Task Host_StoppingWithATaskRunning_KeepsRenewingItsLeaseUntilTheTaskEnds()
    {
        var harness = new WorkerHarness();
        var task = WorkerHarness.Tasks(1)[0];
        harness.ClaimReturns([task]);
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        harness.OnExecute(task, async _ =>
        {
            started.TrySetResult();
            await finish.Task;
            return new AttemptResult(AttemptOutcome.Completed);
        });
        var stopAsked = false;
        var renewedWhileStopping = new TaskCompletionSource();
        harness.RenewAll(_ =>
        {
            if (Volatile.Read(ref stopAsked))
            {
                renewedWhileStopping.TrySetResult();
            }
        });
        using var host = BuildHost(harness);
        await host.StartAsync();
        await started.Task.WaitAsync(WorkerHarness.Deadline);

        Volatile.Write(ref stopAsked, true);
        var stopping = host.StopAsync();
        // The task is let go at the deadline even when no renewal came, so that a failing test ends rather than hangs.
        await renewedWhileStopping.Task.WaitAsync(WorkerHarness.Deadline)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        finish.SetResult();
        await stopping.WaitAsync(WorkerHarness.Deadline);

        Assert.That(renewedWhileStopping.Task.IsCompletedSuccessfully, Is.True, "the lease was renewed while the host stopped");
    }

    private static IHost BuildHost(WorkerHarness harness)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:HeartbeatInterval"] = "00:00:00.050",
            ["Worker:PollInterval"] = "01:00:00",
            ["Retention:Enabled"] = "false",
        });
        builder.Services.AddGoFlowWorker();
        harness.AddPorts(builder.Services);
        builder.Services.AddScoped(_ => Mock.Of<IPurgeFinishedWorkflows>());
        return builder.Build();
    }
}
