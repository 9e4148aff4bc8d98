using GoFlow.Ports.Driven;
using Moq;

namespace GoFlow.Application.Tests.Builders;

/// <summary>The lease every test use case grants: claims, renewals and hand-overs are leased for <see cref="Duration"/>.</summary>
internal static class TestLease
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    public static ILeasePolicy Policy => Mock.Of<ILeasePolicy>(policy => policy.LeaseDuration == Duration);
}
