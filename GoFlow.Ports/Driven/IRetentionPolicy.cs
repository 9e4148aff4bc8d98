using GoFlow.Ports.ReadModels;

namespace GoFlow.Ports.Driven;

/// <summary>The retention sweep's setting, from the adapter that runs the sweep.</summary>
public interface IRetentionPolicy
{
    /// <summary>The setting, or null when this process runs no sweep and so does not know it.</summary>
    RetentionSetting? Setting { get; }
}
