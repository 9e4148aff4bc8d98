using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Host.SampleTasks;

/// <summary>
/// A handler for the process-level shutdown tests: it waits <see cref="DelaySetting"/>, honouring its cancellation
/// token, and returns its input. It is registered only when that setting is present, so a host is given it by test
/// configuration alone; a workflow runs it when the same configuration names it (<c>Workflows:SlowProcess:Tasks</c>).
/// </summary>
internal sealed class SlowTask(TimeSpan delay, TimeProvider clock) : ITaskHandler
{
    /// <summary>The task name a workflow definition uses.</summary>
    public const string TaskName = nameof(SlowTask);

    /// <summary>How long each attempt takes (a TimeSpan, <c>Testing__SlowTaskDelay=00:00:30</c>); unset, no such handler.</summary>
    public const string DelaySetting = "Testing:SlowTaskDelay";

    public async Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, clock, cancellationToken);
        return input;
    }
}

internal static class SlowTaskServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SlowTask"/> when <see cref="SlowTask.DelaySetting"/> is configured; else nothing.</summary>
    public static IServiceCollection AddTestOnlyTaskHandlers(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue<TimeSpan?>(SlowTask.DelaySetting) is not { } delay)
        {
            return services;
        }

        return services.AddKeyedTransient<ITaskHandler>(
            SlowTask.TaskName, (provider, _) => new SlowTask(delay, provider.GetRequiredService<TimeProvider>()));
    }
}
