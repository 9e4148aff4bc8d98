using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;
using Microsoft.Extensions.DependencyInjection;

namespace GoFlow.Testing;

/// <summary>
/// Wraps a registered handler so that the timers it starts are known to be its own (<see cref="TestClock"/>): time
/// skips while a handler waits on the clock, and stands still while it works.
/// </summary>
internal sealed class TrackedTaskHandler(ITaskHandler inner) : ITaskHandler
{
    public async Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        // An async method's changes to an AsyncLocal stay in its own flow: the engine's code around it is not marked.
        TestClock.EnterHandler();
        return await inner.HandleAsync(input, cancellationToken);
    }

    /// <summary>
    /// Replaces every keyed <see cref="ITaskHandler"/> registration, however it was made
    /// (<c>AddGoFlowTaskHandler</c>, a factory, an instance), with one that wraps what the original makes.
    /// </summary>
    public static void WrapAll(IServiceCollection services)
    {
        for (var index = 0; index < services.Count; index++)
        {
            var registration = services[index];
            if (registration.ServiceType != typeof(ITaskHandler) || !registration.IsKeyedService)
            {
                continue;
            }

            services[index] = new ServiceDescriptor(
                typeof(ITaskHandler),
                registration.ServiceKey,
                (provider, key) => new TrackedTaskHandler(CreateOriginal(registration, provider, key)),
                registration.Lifetime);
        }
    }

    private static ITaskHandler CreateOriginal(ServiceDescriptor registration, IServiceProvider provider, object? key)
    {
        if (registration.KeyedImplementationInstance is ITaskHandler instance)
        {
            return instance;
        }

        if (registration.KeyedImplementationFactory is { } factory)
        {
            return (ITaskHandler)factory(provider, key);
        }

        return (ITaskHandler)ActivatorUtilities.CreateInstance(provider, registration.KeyedImplementationType!);
    }
}
