using GoFlow.Application.Tests.Builders;
using GoFlow.Ports.Driven;
using GoFlow.Ports.Driving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace GoFlow.Application.Tests;

public sealed class ApplicationServiceCollectionExtensionsTests
{
    [Test]
    public void AddGoFlowApplication_StartWorkflow_IsBuiltForEachCallerAndNeedsNoScope()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(Mock.Of<IWorkflowRepository>());
        services.AddSingleton(TestStoreLimits.Microseconds);
        services.AddGoFlowApplication();
        // A start holds no scoped service, so it is not cached in the caller's scope (one allocation less for every
        // start, docs/benchmarks.md, issue 16, round ten); scope validation refuses a scoped service outside a scope.
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = false });
        using var scope = provider.CreateScope();

        Assert.That(
            scope.ServiceProvider.GetRequiredService<IStartWorkflow>(),
            Is.Not.SameAs(scope.ServiceProvider.GetRequiredService<IStartWorkflow>()));
        Assert.That(() => provider.GetRequiredService<IStartWorkflow>(), Throws.Nothing);
    }
}
