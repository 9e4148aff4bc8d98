using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;
using Microsoft.Extensions.Options;

namespace GoFlow.Worker;

/// <summary>The retention setting this process's sweep runs with (<see cref="RetentionOptions"/>).</summary>
internal sealed class ConfiguredRetentionPolicy(IOptions<RetentionOptions> options) : IRetentionPolicy
{
    public RetentionSetting? Setting { get; } = new(options.Value.Enabled, options.Value.MaxAge);
}
