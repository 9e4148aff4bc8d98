using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>The rules across <see cref="WorkerOptions"/> fields that attributes cannot state.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        // A lease that ends before the next heartbeat renews it would be taken from a healthy worker.
        if (options.LeaseDuration <= options.HeartbeatInterval)
        {
            return ValidateOptionsResult.Fail(
                $"Worker:LeaseDuration ({options.LeaseDuration}) must be longer than Worker:HeartbeatInterval " +
                $"({options.HeartbeatInterval}), or a running task's lease would expire between two heartbeats.");
        }

        // A share while the API is busy above the whole would read as a promise the worker cannot keep.
        return options.MaxConcurrencyWhileApiBusy <= options.MaxConcurrency
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Worker:MaxConcurrencyWhileApiBusy ({options.MaxConcurrencyWhileApiBusy}) must be at most " +
                $"Worker:MaxConcurrency ({options.MaxConcurrency}).");
    }
}
