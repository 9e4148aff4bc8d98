using GoFlow.Ports.Driven;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Application.Definitions;

/// <summary>The retention policy of a process that runs no retention sweep: it cannot tell what the sweepers use.</summary>
internal sealed class UnknownRetentionPolicy : IRetentionPolicy
{
    public RetentionSetting? Setting => null;
}
