using System.Reflection;

namespace GoFlow.ArchitectureTests.Support;

public enum ProjectRole
{
    /// <summary>Domain, Ports, Application: the inside of the hexagon.</summary>
    Core,

    /// <summary>A driving or driven adapter: public surface is its registration and options only.</summary>
    Adapter,

    /// <summary>GoFlow.Host and GoFlow.Hosting, the places that wire everything.</summary>
    CompositionRoot,

    /// <summary>GoFlow.Client: it speaks to GoFlow over HTTP only, so it references no GoFlow project.</summary>
    Client,
}

/// <summary>What one production project may reference.</summary>
public sealed record DependencyRule(
    string Project,
    ProjectRole Role,
    Assembly Assembly,
    IReadOnlySet<string> AllowedProjects,
    PackagePolicy Packages)
{
    public override string ToString() => Project;
}
