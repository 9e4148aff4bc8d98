using System.Reflection;

namespace GoFlow.ArchitectureTests.Support;

/// <summary>Reads what a compiled assembly really references: what the compiler kept because code uses it.</summary>
public static class CompiledReferences
{
    private static readonly string RuntimeDirectory =
        Path.GetDirectoryName(typeof(object).Assembly.Location)
        ?? throw new InvalidOperationException("The .NET runtime has no directory.");

    /// <summary>
    /// GoFlow assemblies as project references; every assembly that is not part of the base .NET runtime as a
    /// package (an ASP.NET Core assembly as the framework it belongs to).
    /// </summary>
    public static IReadOnlyList<Reference> Read(Assembly assembly)
    {
        var source = assembly.GetName().Name + ".dll";
        var references = new List<Reference>();
        foreach (var name in assembly.GetReferencedAssemblies().Select(reference => reference.Name ?? string.Empty))
        {
            if (name.StartsWith("GoFlow.", StringComparison.Ordinal))
            {
                references.Add(new Reference(ReferenceKind.Project, name, source));
            }
            else if (name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal))
            {
                references.Add(new Reference(ReferenceKind.Framework, "Microsoft.AspNetCore.App", $"{source} -> {name}"));
            }
            else if (!IsInBaseRuntime(name))
            {
                references.Add(new Reference(ReferenceKind.Package, name, source));
            }
        }

        return references;
    }

    private static bool IsInBaseRuntime(string assemblyName) =>
        File.Exists(Path.Combine(RuntimeDirectory, assemblyName + ".dll"));
}
