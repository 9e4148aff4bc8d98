using System.Collections.Frozen;
using System.Reflection;

namespace GoFlow.Adapters.Dashboard.Pages;

/// <summary>The dashboard's files, read once from the assembly's embedded resources.</summary>
internal sealed class DashboardAssets
{
    /// <summary>The page every dashboard route answers with; its script draws the page the path names.</summary>
    public const string Page = "index.html";

    private const string ResourcePrefix = "GoFlow.Dashboard.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Asset> _assets = Load();

    /// <summary>The file named <paramref name="name"/> exactly, or null: names come from a fixed set, never from a path.</summary>
    public Asset? Find(string name) => _assets.GetValueOrDefault(name);

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(resource => resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(
                resource => resource[ResourcePrefix.Length..],
                resource => new Asset(Read(assembly, resource), ContentTypes[Path.GetExtension(resource)]),
                StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded file {resource} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

internal sealed record Asset(byte[] Content, string ContentType);
