namespace GoFlow.ArchitectureTests.Support;

public enum ReferenceKind
{
    /// <summary>Another GoFlow project: a ProjectReference, or a GoFlow assembly the compiled assembly references.</summary>
    Project,

    /// <summary>A NuGet package: a PackageReference, or a compiled reference to an assembly outside the .NET runtime.</summary>
    Package,

    /// <summary>A shared framework beyond the base one (ASP.NET Core), from a FrameworkReference or the Web SDK.</summary>
    Framework,
}

/// <summary>One thing a project depends on, and where that was read (a file, or the compiled assembly).</summary>
public sealed record Reference(ReferenceKind Kind, string Name, string Source)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Name} (from {Source})";
}
