using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    public void AddGoFlowWorker_RunningTasks_OneListSharedByTheWorkerAndTheHeartbeat()
    {
        var registration = new ServiceCollection().AddGoFlowWorker()
            .Single(service => service.ServiceType == typeof(RunningTasks));

        Assert.That(registration.Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
    }
}
