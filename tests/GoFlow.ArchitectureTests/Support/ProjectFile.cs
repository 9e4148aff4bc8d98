using System.Xml.Linq;

namespace GoFlow.ArchitectureTests.Support;

/// <summary>
/// Reads the references a project declares in MSBuild files. The compiler drops references nothing uses, so the
/// compiled assembly alone can hide a forbidden ProjectReference or PackageReference; the files cannot.
/// </summary>
public static class ProjectFile
{
    private static readonly string[] AspNetCoreSdks = ["Microsoft.NET.Sdk.Web", "Microsoft.NET.Sdk.Razor"];

    /// <summary>
    /// The references of production project <paramref name="project"/>: its .csproj plus what the build files
    /// around it add to every project (Directory.Build.props/.targets, Directory.Packages.props' global packages).
    /// </summary>
    public static IReadOnlyList<Reference> ReadReferences(string repositoryRoot, string project)
    {
        var projectDirectory = Path.Combine(repositoryRoot, project);
        string[] files =
        [
            Path.Combine(projectDirectory, project + ".csproj"),
            Path.Combine(projectDirectory, "Directory.Build.props"),
            Path.Combine(projectDirectory, "Directory.Build.targets"),
            Path.Combine(repositoryRoot, "Directory.Build.props"),
            Path.Combine(repositoryRoot, "Directory.Build.targets"),
            Path.Combine(repositoryRoot, "Directory.Packages.props"),
        ];

        return
        [
            .. files
                .Where(File.Exists)
                .SelectMany(file => Read(XDocument.Load(file), Path.GetRelativePath(repositoryRoot, file))),
        ];
    }

    /// <summary>The references one MSBuild file declares. Conditions are ignored: a reference under any condition counts.</summary>
    public static IEnumerable<Reference> Read(XDocument document, string source)
    {
        ArgumentNullException.ThrowIfNull(document.Root);

        var sdks = (document.Root.Attribute("Sdk")?.Value ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(document.Root.Elements().Where(e => e.Name.LocalName == "Sdk").Select(e => e.Attribute("Name")?.Value ?? string.Empty))
            .Select(sdk => sdk.Split('/')[0]);
        foreach (var sdk in sdks.Where(sdk => AspNetCoreSdks.Contains(sdk, StringComparer.OrdinalIgnoreCase)))
        {
            yield return new Reference(ReferenceKind.Framework, "Microsoft.AspNetCore.App", $"{source} Sdk={sdk}");
        }

        foreach (var item in document.Descendants().Where(e => e.Parent?.Name.LocalName == "ItemGroup"))
        {
            var include = item.Attribute("Include")?.Value;
            if (string.IsNullOrWhiteSpace(include))
            {
                // <PackageReference Update="..."/> changes an existing item; it adds no reference.
                continue;
            }

            var kind = item.Name.LocalName switch
            {
                "ProjectReference" => ReferenceKind.Project,
                "PackageReference" or "GlobalPackageReference" => ReferenceKind.Package,
                "FrameworkReference" => ReferenceKind.Framework,
                _ => (ReferenceKind?)null,
            };

            if (kind == ReferenceKind.Package && IsBuildOnly(item))
            {
                // An analyzer: the build runs it, the code cannot call it and no consumer receives it.
                continue;
            }

            if (kind is { } referenceKind)
            {
                var name = referenceKind == ReferenceKind.Project
                    ? Path.GetFileNameWithoutExtension(include.Replace('\\', '/'))
                    : include;
                yield return new Reference(referenceKind, name, source);
            }
        }
    }

    /// <summary>
    /// A package taken for the build only: <c>PrivateAssets="all"</c> and <c>IncludeAssets</c> without compile or runtime
    /// assets (<c>analyzers; build</c>).
    /// </summary>
    private static bool IsBuildOnly(XElement item)
    {
        var privateAssets = item.Attribute("PrivateAssets")?.Value ?? string.Empty;
        var includeAssets = (item.Attribute("IncludeAssets")?.Value ?? "all")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return privateAssets.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            && !includeAssets.Any(asset => asset is "all" or "compile" or "runtime" or "native" or "contentfiles");
    }
}
