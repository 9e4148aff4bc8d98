using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>The rules across <see cref="WorkerOptions"/> fields that attributes cannot state.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        // A lease that ends before the next heartbeat renews it would be taken from a healthy worker.
        return options.LeaseDuration > options.HeartbeatInterval
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Worker:LeaseDuration ({options.LeaseDuration}) must be longer than Worker:HeartbeatInterval " +
                $"({options.HeartbeatInterval}), or a running task's lease would expire between two heartbeats.");
    }
}
