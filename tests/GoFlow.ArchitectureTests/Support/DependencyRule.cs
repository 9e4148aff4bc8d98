using System.Reflection;

namespace GoFlow.ArchitectureTests.Support;

public enum ProjectRole
{
    /// <summary>Domain, Ports, Application: the inside of the hexagon.</summary>
    Core,

    /// <summary>A driving or driven adapter: public surface is its registration and options only.</summary>
    Adapter,

    /// <summary>GoFlow.Host, the one place that wires everything.</summary>
    CompositionRoot,
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
